// The progress line on stderr (only when stderr is a terminal): messages,
// rate, position in the recording, lag, ETA; redrawn at most 4 times a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace iot::replay {

struct ProgressState {
  std::uint64_t messages = 0;
  std::optional<std::int64_t> position_ns;  // time of the last message played
  std::optional<double> fraction;           // 0..1 when the source knows its size
  std::chrono::nanoseconds lag{0};
};

class Progress {
 public:
  explicit Progress(bool enabled);
  void update(const ProgressState& state, bool force = false);
  void clear();  // erases the line before other output on stderr
  bool enabled() const { return enabled_; }

  // One line for humans, also used by the summary ("120000 messages in 2.0 s ...").
  static std::string describe(const ProgressState& state, double elapsed_s);

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace iot::replay
