// TimestampChecks: a message's time against the clock and its own edge latency.
//   future: time > now + max_future            (default 300 s)
//   stale:  time < now - max_age               (default 24 h)
//   drift:  |edge_latency_ms| > max_drift      (default 10 s; the nested shape's
//           meta.edge_latency_ms = ts - source_ts)
// These are findings, not invalid data (iot-verify(1), Report): the caller counts them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace iot::checks {

struct TimestampLimits {
  std::chrono::nanoseconds max_future = std::chrono::seconds(300);
  std::chrono::nanoseconds max_age = std::chrono::hours(24);
  std::chrono::nanoseconds max_drift = std::chrono::seconds(10);
};

struct TimestampFindings {
  bool future = false;
  bool stale = false;
  bool drift = false;
  bool any() const { return future || stale || drift; }
};

class TimestampChecks {
 public:
  explicit TimestampChecks(TimestampLimits limits = {}) : limits_(limits) {}
  // time_ns: the message time (ns since the epoch), absent when the payload
  // has none (then neither future nor stale). now_ns: the clock to judge by.
  TimestampFindings check(std::optional<std::int64_t> time_ns, std::optional<double> edge_latency_ms,
                          std::int64_t now_ns) const;
  const TimestampLimits& limits() const { return limits_; }

  static std::int64_t now_ns();  // the system clock, ns since the epoch

 private:
  TimestampLimits limits_;
};

}  // namespace iot::checks
