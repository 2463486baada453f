// --inject: the faults of iot-replay(1) --inject added to a synthetic fleet at given
// rates, and the ground truth of what was done (--truth FILE), in the terms
// of iot-verify's report (iot-verify(1), Report) so the two can be compared.
//
// Faults are kept apart so that each one is seen by a verifier exactly once:
// a device's first and last messages and the message after a fault are never
// faulted. Per faulted message (device d, seq s):
//   gap      s is dropped                 -> gap event, 1 missing
//   corrupt  s's line is cut in half      -> bad_json (invalid), gap event, 1 missing
//   dup      s is sent twice in a row     -> 1 duplicate (invalid)
//   reorder  s comes after s+1            -> gap event opened and filled, 1 reordered
//   late     s comes after s+10 (or last) -> likewise
// So: total = lines written; invalid = bad_json + duplicates;
// gaps.events = gap + corrupt + reorder + late; gaps.missing = gap + corrupt;
// reordered = reorder + late.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "replay/episode_faults.hpp"
#include "replay/fleet.hpp"
#include "replay/fleet_spec.hpp"
#include "replay/prng.hpp"

namespace iot::replay {

struct OutLine {
  std::int64_t time_ns = 0;
  std::string line;
};

struct FaultTruth {
  std::uint64_t total = 0, duplicates = 0, bad_json = 0, gap_events = 0, missing = 0, reordered = 0;
  std::vector<std::string> duplicated_msg_ids;
  std::map<std::string, std::vector<std::uint64_t>> dropped;  // device -> seqs
  struct Marked {
    std::string device_id;
    std::uint64_t seq;
    std::string msg_id;
    std::uint64_t line;  // output line number (1-based) where it went out
  };
  std::vector<Marked> corrupted, reordered_msgs, late_msgs;
  struct DeviceCounts {
    std::uint64_t duplicates = 0, bad_json = 0, gap_events = 0, missing = 0, reordered = 0;
  };
  std::map<std::string, DeviceCounts> devices;  // only devices with a fault
  std::uint64_t last_seq = 0;                   // every device ends at this seq
  struct SensorFault {  // stuck, spike, dead (episode_faults.hpp)
    std::string_view fault;
    std::string device_id;
    std::optional<std::string> metric;  // none for dead
    std::uint64_t first_seq = 0, last_seq = 0, end_seq = 0;
    std::int64_t start_ms = 0, end_ms = 0;
  };
  std::vector<SensorFault> episodes;
};

// With sensor faults in the spec, the injector hooks itself into the fleet
// (Fleet::set_value_hook): it must outlive the fleet's use and not move.
class FaultInjector : public ValueHook {
 public:
  FaultInjector(const InjectSpec& spec, Fleet& fleet, std::uint64_t seed);
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;
  bool adjust(const SyntheticMessage& message, std::vector<double>& values, std::vector<int>& quality) override;
  // Takes the fleet's next message; appends what goes out to `out` in order.
  void push(SyntheticMessage& message, std::deque<OutLine>& out);
  // At the end: releases every message still held back.
  void finish(std::deque<OutLine>& out);
  const FaultTruth& truth();

 private:
  enum class Fault { none, gap, dup, reorder, late, corrupt };
  struct Held {
    std::uint64_t release_after_seq;
    std::uint64_t seq;
    bool late;
    std::string msg_id;
    std::string line;
  };

  Fault choose(const SyntheticMessage& m);
  void emit(std::deque<OutLine>& out, std::int64_t time_ns, std::string line);
  void release(std::uint32_t device, std::uint64_t seq, std::int64_t time_ns, std::deque<OutLine>& out, bool all);

  InjectSpec spec_;
  Fleet& fleet_;
  Prng rng_;
  std::vector<bool> clean_next_;
  std::optional<EpisodeFaults> episodes_;
  std::vector<bool> touched_;  // the device's current message is part of an episode
  std::vector<bool> dead_;     // the device is in a dead episode
  std::map<std::uint32_t, std::vector<Held>> held_;
  FaultTruth truth_;
};

// The truth as one JSON object (the field names of iot-verify's report,
// plus the lists that say which messages were touched, and the episodes
// {fault, device_id, metric, first_seq, last_seq, start_ms, end_seq, end_ms}).
std::string render_truth_json(const FaultTruth& truth, std::string_view shape);

}  // namespace iot::replay
