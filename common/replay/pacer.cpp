#include "replay/pacer.hpp"

#include <algorithm>
#include <thread>

namespace iot::replay {
namespace {

void plain_sleep(Pacer::Clock::time_point until) { std::this_thread::sleep_until(until); }

}  // namespace

Pacer::Pacer(PaceOptions options, std::function<void(Clock::time_point)> sleep_until)
    : options_(options), sleep_until_(sleep_until ? std::move(sleep_until) : plain_sleep) {
  if (options_.speed <= 0) options_.speed = 1.0;
}

Pacer::Clock::time_point Pacer::due(std::optional<std::int64_t> time_ns) {
  auto now = Clock::now();
  if (!started_) {
    started_ = true;
    start_ = now;
  }
  if (time_ns) {
    std::int64_t t = *time_ns + offset_ns_;
    if (!first_ns_) first_ns_ = t;
    last_ns_ = t;
  }
  if (options_.fast) return now;
  if (options_.rate > 0)
    return start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(double(count_) / options_.rate));
  if (!last_ns_) return now;
  // Timestamps that go backwards (reordered data) are due at once, not early.
  double offset_s = double(*last_ns_ - *first_ns_) * 1e-9 / options_.speed;
  return start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::max(0.0, offset_s)));
}

Pacer::Clock::duration Pacer::until_due(std::optional<std::int64_t> time_ns) {
  pending_due_ = due(time_ns);
  return pending_due_ - Clock::now();
}

void Pacer::sent() {
  ++count_;
  if (options_.fast) return;
  auto lag = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - pending_due_);
  current_lag_ = std::max(lag, std::chrono::nanoseconds(0));
  max_lag_ = std::max(max_lag_, current_lag_);
}

void Pacer::wait(std::optional<std::int64_t> time_ns) {
  if (until_due(time_ns) > Clock::duration::zero()) sleep_until_(pending_due_);
  sent();
}

}  // namespace iot::replay
