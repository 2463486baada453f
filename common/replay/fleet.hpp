// The synthetic fleet (--synthetic): N pumps each publishing at R messages a
// simulated second, in time order, as envelope lines {"topic","payload"}.
// Deterministic for a given FleetSpec (seed and start included): values come
// from the own PRNG, the ULIDs' time part from the simulated time.
//
// The signals: a per-device base, slow drift, a daily cycle, noise, rare
// uncertain (68) and bad (0) quality codes, and one failing pump (device
// seed % N when N >= 3) whose vibration and temperatures climb from 60% of
// the run and which reports bad quality and no flow from 90%.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "replay/fleet_spec.hpp"
#include "replay/prng.hpp"

namespace iot::replay {

struct SyntheticMessage {
  std::int64_t time_ns = 0;     // the simulated time of the message
  std::uint32_t device = 0;     // 0-based index
  std::uint64_t seq = 0;        // 1-based per device
  char msg_id[26];              // ULID (not for flat, which has none)
  std::string line;             // the envelope, no newline
  bool silent = false;          // a ValueHook kept it from being sent (line empty)
};

// Sees (and may change) each message's values before it is rendered: the
// sensor faults of --inject (episode_faults.hpp).
class ValueHook {
 public:
  virtual ~ValueHook() = default;
  // values and quality hold one entry per metric; false: the message is not sent.
  virtual bool adjust(const SyntheticMessage& message, std::vector<double>& values, std::vector<int>& quality) = 0;
};

class Fleet {
 public:
  // key: the HMAC key for shape=signed (ignored otherwise).
  // topic_template: "{device_id}" (and "{device_type}") are filled in.
  Fleet(FleetSpec spec, std::string key, const std::string& topic_template);
  ~Fleet();
  // The next message in time order; false when the run is over.
  bool next(SyntheticMessage& out);

  std::uint64_t messages_per_device() const { return per_device_; }
  std::uint64_t total_messages() const { return per_device_ * spec_.devices; }
  const std::string& device_id(std::uint32_t device) const { return devices_[device].id; }
  const FleetSpec& spec() const { return spec_; }
  void set_value_hook(ValueHook* hook) { hook_ = hook; }
  std::int64_t start_ns() const { return start_ns_; }

  struct MetricProfile;

 private:
  struct Device {
    std::string id;
    std::string topic;
    std::vector<double> base;   // per metric
    std::vector<double> drift;  // per metric, mean-reverting walk
    double phase = 0;
    std::string fw_version;
    std::string gw_id;
  };

  void render(const Device& dev, SyntheticMessage& out, std::int64_t ts_ms, std::uint64_t seq);
  void compute_values(Device& dev, double t_s, double progress, bool failing);
  void append_nested(std::string& line, const Device& dev, const SyntheticMessage& m, std::int64_t ts_ms);
  void append_flat(std::string& line, const Device& dev, std::int64_t ts_ms);
  void append_signed(std::string& line, const Device& dev, const SyntheticMessage& m, std::int64_t time_ns);

  FleetSpec spec_;
  std::string key_;
  Prng rng_;
  std::vector<MetricProfile> profiles_;
  std::vector<std::string> flat_keys_;
  std::vector<std::string> canonical_keys_;  // metric names as Python's json.dumps writes them, quoted
  std::vector<std::size_t> sorted_metrics_;  // metric indices by name (signed form is canonical)
  std::vector<Device> devices_;
  std::vector<double> values_;
  std::vector<int> quality_;
  std::uint64_t per_device_ = 0;
  std::uint64_t tick_ = 0;
  std::uint32_t next_device_ = 0;
  std::int64_t start_ns_ = 0;
  double period_ns_ = 0;
  std::int64_t failing_ = -1;
  std::string scratch_;
  ValueHook* hook_ = nullptr;
};

}  // namespace iot::replay
