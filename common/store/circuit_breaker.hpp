// Circuit breaker on the database (iot-ingest(1), Delivery): after `failures` consecutive
// failures the circuit opens and calls are not tried until `cool_down` has
// passed; then one trial is let through (half-open): success closes it,
// failure opens it again with the cool-down doubled (up to max_cool_down).
#pragma once

#include <chrono>

#include "core/relaxed.hpp"

namespace iot::store {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    int failures = 3;
    std::chrono::milliseconds cool_down{500};
    std::chrono::milliseconds max_cool_down{5000};
  };
  CircuitBreaker() : CircuitBreaker(Options{}) {}
  explicit CircuitBreaker(Options options) : options_(options), cool_down_(options.cool_down) {}

  // May the protected call be tried now?
  bool allow(Clock::time_point now = Clock::now()) const { return !open_ || now >= retry_at_; }
  void success() {
    open_ = false;
    consecutive_ = 0;
    cool_down_ = options_.cool_down;
  }
  void failure(Clock::time_point now = Clock::now()) {
    if (open_) cool_down_ = std::min(cool_down_ * 2, options_.max_cool_down);
    if (++consecutive_ >= options_.failures || open_) {
      open_ = true;
      retry_at_ = now + cool_down_;
    }
  }
  bool is_open() const { return open_; }

 private:
  Options options_;
  std::chrono::milliseconds cool_down_;
  Relaxed<bool> open_ = false;  // also read by --metrics-listen's /healthz (core/relaxed.hpp)
  int consecutive_ = 0;
  Clock::time_point retry_at_{};
};

}  // namespace iot::store
