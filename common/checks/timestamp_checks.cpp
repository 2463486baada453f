#include "checks/timestamp_checks.hpp"

#include <cmath>

namespace iot::checks {

TimestampFindings TimestampChecks::check(std::optional<std::int64_t> time_ns,
                                         std::optional<double> edge_latency_ms, std::int64_t now_ns) const {
  TimestampFindings f;
  if (time_ns) {
    // Differences in 128 bits: hostile timestamps near the int64 limits must not overflow.
    __int128 delta = static_cast<__int128>(*time_ns) - now_ns;
    f.future = delta > static_cast<__int128>(limits_.max_future.count());
    f.stale = -delta > static_cast<__int128>(limits_.max_age.count());
  }
  if (edge_latency_ms && std::isfinite(*edge_latency_ms)) {
    double limit_ms = static_cast<double>(limits_.max_drift.count()) / 1e6;
    f.drift = std::fabs(*edge_latency_ms) > limit_ms;
  }
  return f;
}

std::int64_t TimestampChecks::now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace iot::checks
