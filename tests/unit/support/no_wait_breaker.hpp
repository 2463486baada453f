// A circuit breaker that opens on the first failure and retries at once:
// for tests of what happens around an outage, without waiting out backoffs.
#pragma once

#include <chrono>

#include "store/circuit_breaker.hpp"

namespace iot::test {

inline const store::CircuitBreaker::Options no_wait{1, std::chrono::milliseconds(0), std::chrono::milliseconds(0)};

}  // namespace iot::test
