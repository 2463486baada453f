#include "iot-pub/rate_limiter.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace iot::pub {

RateLimiter::RateLimiter(double per_second) : rate_(per_second), tokens_(std::min(1.0, per_second)) {}

bool RateLimiter::try_take(std::chrono::steady_clock::time_point now, std::chrono::nanoseconds& wait) {
  if (rate_ <= 0) return true;
  if (last_ != std::chrono::steady_clock::time_point{}) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(std::max(rate_, 1.0), tokens_ + elapsed * rate_);
  }
  last_ = now;
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return true;
  }
  wait = std::chrono::nanoseconds(static_cast<std::int64_t>((1.0 - tokens_) / rate_ * 1e9));
  return false;
}

}  // namespace iot::pub
