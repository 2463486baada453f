// Pacing against an absolute clock: message i is due at
//   start + (t_i - t_0) / speed      (timestamps), or
//   start + i / rate                 (--rate),
// so sleep granularity never accumulates into drift over hours. When the
// reader is slower than the schedule, the lag (now - due) is measured, not
// hidden: max_lag() and current_lag() say how far behind the replay is.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace iot::replay {

struct PaceOptions {
  bool fast = false;   // no pacing at all
  double speed = 1.0;  // > 0
  double rate = 0;     // messages per second in total; > 0 overrides timestamps
};

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;
  // sleep_until is injectable (tests; the tool sleeps in slices so that an
  // interrupt is noticed); the default is std::this_thread::sleep_until.
  explicit Pacer(PaceOptions options, std::function<void(Clock::time_point)> sleep_until = {});

  // How long until the next message with this timestamp is due (zero or
  // negative: due now). Items without a timestamp keep the last one.
  Clock::duration until_due(std::optional<std::int64_t> time_ns);
  // The absolute time the last until_due() asked about is due.
  Clock::time_point pending_due() const { return pending_due_; }
  // Marks the message as sent now; records the lag. Call after waiting.
  void sent();
  // Waits until the message is due (calls until_due, sleeps, sent()).
  void wait(std::optional<std::int64_t> time_ns);

  // Starts a new schedule (a new --loop pass keeps its own offsets).
  void shift_timeline(std::int64_t offset_ns) { offset_ns_ += offset_ns; }

  std::chrono::nanoseconds max_lag() const { return max_lag_; }
  std::chrono::nanoseconds current_lag() const { return current_lag_; }
  std::uint64_t count() const { return count_; }
  // Position in the recording: the last timestamp paced, if any.
  std::optional<std::int64_t> position_ns() const { return last_ns_; }
  std::optional<std::int64_t> first_ns() const { return first_ns_; }

 private:
  Clock::time_point due(std::optional<std::int64_t> time_ns);

  PaceOptions options_;
  std::function<void(Clock::time_point)> sleep_until_;
  Clock::time_point start_{};
  bool started_ = false;
  std::optional<std::int64_t> first_ns_, last_ns_;
  std::int64_t offset_ns_ = 0;
  std::uint64_t count_ = 0;
  Clock::time_point pending_due_{};
  std::chrono::nanoseconds max_lag_{0}, current_lag_{0};
};

}  // namespace iot::replay
