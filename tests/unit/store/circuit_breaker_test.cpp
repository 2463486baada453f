#include "store/circuit_breaker.hpp"

#include <gtest/gtest.h>

namespace iot::store {

TEST(CircuitBreaker, OpensAfterFailuresAndProbesAfterCoolDown) {
  using namespace std::chrono_literals;
  CircuitBreaker b({2, 100ms, 400ms});
  auto t = CircuitBreaker::Clock::now();
  EXPECT_TRUE(b.allow(t));
  b.failure(t);
  EXPECT_FALSE(b.is_open());
  b.failure(t);
  EXPECT_TRUE(b.is_open());
  EXPECT_FALSE(b.allow(t + 50ms));
  EXPECT_TRUE(b.allow(t + 100ms));  // half-open: one trial
  b.failure(t + 100ms);             // trial failed: cool-down doubles
  EXPECT_FALSE(b.allow(t + 250ms));
  EXPECT_TRUE(b.allow(t + 300ms));
  b.success();
  EXPECT_FALSE(b.is_open());
  EXPECT_TRUE(b.allow(t + 300ms));
}

}  // namespace iot::store
