// Retry delays: exponential with jitter, so that clients which failed
// together (a fleet restarted at once, publishers behind one outage) do not
// come back in lockstep. The MQTT session's reconnects use it because
// libmosquitto's own "exponential" mode is delay*n^2 with no jitter; the
// Pub/Sub sink's request retries and the resend requests for sequence gaps
// use it too.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace iot {

struct BackoffParams {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{30000};
  double factor = 2.0;
};

class Backoff {
 public:
  using Params = BackoffParams;
  explicit Backoff(Params params = Params{}, std::uint64_t seed = 0);
  // The delay before the next attempt: uniform in [cap/2, cap] where cap
  // grows by `factor` per failure up to `max` (half jitter keeps a floor).
  std::chrono::milliseconds next();
  // The delay after `failures` failures, for callers that keep the count
  // themselves (many retrying items sharing one generator, e.g. the resend
  // requests of every open gap): next() without touching failures().
  std::chrono::milliseconds after(int failures);
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  Params params_;
  int failures_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace iot
