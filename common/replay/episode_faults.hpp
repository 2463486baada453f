// The sensor faults of iot-replay(1) --inject (stuck=P, spike=P, dead=P):
// unlike the transport faults of fault_injector.hpp they change what a
// device measures, so they act on the fleet's values before a message is
// rendered. Each is an episode on one device, with its ground truth:
//   stuck  one metric keeps the value it had for hold_s seconds (quality
//          good); the first message after it carries a different value
//   spike  one metric of one message reads 1000 + 10 |v| (quality good)
//   dead   the device sends nothing for hold_s seconds (its seqs are
//          dropped: one gap event)
// An episode ends at the device's first message after it ("end"), where an
// alarm on it should clear. Episodes start only where the caller allows
// (may_start: no transport fault nearby) and end before the device's last
// message; a device has one episode at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "replay/fleet_spec.hpp"
#include "replay/prng.hpp"

namespace iot::replay {

enum class EpisodeKind { stuck, spike, dead };
std::string_view episode_name(EpisodeKind kind);

struct Episode {
  EpisodeKind kind = EpisodeKind::stuck;
  std::uint32_t device = 0;
  std::optional<std::size_t> metric;  // none for dead
  std::uint64_t first_seq = 0, last_seq = 0;  // the messages it touched
  std::int64_t start_ns = 0;                  // the first of them
  std::int64_t end_ns = 0;                    // the device's next message (0 until then)
  std::uint64_t end_seq = 0;
};

// What apply() did to one message.
enum class EpisodeEffect { none, changed, silent, ended };

class EpisodeFaults {
 public:
  // messages_per_device: every device's count (seqs 1..N); period_s: between
  // a device's messages.
  EpisodeFaults(const InjectSpec& spec, std::uint32_t devices, std::uint64_t messages_per_device, double period_s,
                std::uint64_t seed);
  // One message of a device, its values and qualities (one per metric),
  // before rendering. silent: the message is not sent.
  EpisodeEffect apply(std::uint32_t device, std::uint64_t seq, std::int64_t time_ns, bool may_start,
                      std::vector<double>& values, std::vector<int>& quality);
  const std::vector<Episode>& episodes() const { return episodes_; }

 private:
  struct Active {
    std::size_t episode = 0;  // index into episodes_
    double frozen = 0;        // stuck: the value held
    std::int64_t until_ns = 0;
  };
  EpisodeEffect start(std::uint32_t device, std::uint64_t seq, std::int64_t time_ns, std::vector<double>& values,
                      std::vector<int>& quality);

  InjectSpec spec_;
  std::uint64_t per_device_;
  std::uint64_t hold_messages_;
  Prng rng_;
  std::vector<std::optional<Active>> active_;
  std::vector<Episode> episodes_;
};

}  // namespace iot::replay
