// --rate: a token bucket of one second's worth, so a burst never exceeds the
// rate and a pause does not bank more than a second.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "core/result.hpp"

namespace iot::pub {

// "500", "500/s", "2.5/s"; fails on anything else or a negative rate.

class RateLimiter {
 public:
  explicit RateLimiter(double per_second = 0);  // 0: unlimited
  // True when a message may go now (and takes its token); otherwise
  // `wait` says how long until the next token.
  bool try_take(std::chrono::steady_clock::time_point now, std::chrono::nanoseconds& wait);
  bool limited() const { return rate_ > 0; }

 private:
  double rate_;
  double tokens_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace iot::pub
