#include "core/backoff.hpp"

#include <algorithm>

namespace iot {

Backoff::Backoff(Params params, std::uint64_t seed)
    : params_(params), rng_(seed ? seed : std::random_device{}()) {}

std::chrono::milliseconds Backoff::after(int failures) {
  double cap = static_cast<double>(params_.initial.count());
  for (int i = 0; i < failures && cap < static_cast<double>(params_.max.count()); ++i) cap *= params_.factor;
  cap = std::min(cap, static_cast<double>(params_.max.count()));
  std::uniform_real_distribution<double> jitter(cap / 2, cap);
  return std::chrono::milliseconds(static_cast<std::int64_t>(jitter(rng_)));
}

std::chrono::milliseconds Backoff::next() { return after(failures_++); }

}  // namespace iot
