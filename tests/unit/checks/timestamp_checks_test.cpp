#include "checks/timestamp_checks.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace iot::checks {
namespace {

constexpr std::int64_t s = 1'000'000'000;
constexpr std::int64_t now = 1'760'000'000 * s;

TEST(TimestampChecks, DefaultsFlagFutureStaleAndDrift) {
  TimestampChecks c;
  EXPECT_FALSE(c.check(now, 143.0, now).any());
  EXPECT_FALSE(c.check(now + 300 * s, std::nullopt, now).future);  // exactly the limit is fine
  EXPECT_TRUE(c.check(now + 301 * s, std::nullopt, now).future);
  EXPECT_FALSE(c.check(now - 24 * 3600 * s, std::nullopt, now).stale);
  EXPECT_TRUE(c.check(now - 24 * 3600 * s - 1, std::nullopt, now).stale);
  EXPECT_TRUE(c.check(now, 10'001.0, now).drift);
  EXPECT_TRUE(c.check(now, -10'001.0, now).drift);
  EXPECT_FALSE(c.check(now, 10'000.0, now).drift);
}

TEST(TimestampChecks, ThresholdsAreSettable) {
  TimestampChecks c(TimestampLimits{std::chrono::seconds(1), std::chrono::minutes(5), std::chrono::milliseconds(500)});
  EXPECT_TRUE(c.check(now + 2 * s, std::nullopt, now).future);
  EXPECT_TRUE(c.check(now - 301 * s, std::nullopt, now).stale);
  EXPECT_TRUE(c.check(std::nullopt, 501.0, now).drift);
  EXPECT_FALSE(c.check(std::nullopt, std::nullopt, now).any());
}

TEST(TimestampChecks, ExtremeValuesDoNotOverflow) {
  TimestampChecks c;
  EXPECT_TRUE(c.check(INT64_MAX, std::nullopt, now).future);
  EXPECT_TRUE(c.check(INT64_MIN, std::nullopt, now).stale);
  EXPECT_FALSE(c.check(std::nullopt, 0.0 / 0.0, now).drift);  // NaN latency is no finding
}

TEST(TimestampChecks, NowIsTheSystemClock) {
  EXPECT_GT(TimestampChecks::now_ns(), 1'700'000'000 * s);
}

}  // namespace
}  // namespace iot::checks
