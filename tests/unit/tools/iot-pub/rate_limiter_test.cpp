#include "iot-pub/rate_limiter.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

TEST(RateLimiter, NeverMoreThanTheRateOnAFakeClock) {
  iot::pub::RateLimiter r(10);
  auto t = std::chrono::steady_clock::time_point{} + 1h;
  int sent = 0;
  std::chrono::nanoseconds wait{};
  for (int ms = 0; ms < 2000; ++ms)  // two seconds in 1 ms steps
    if (r.try_take(t + std::chrono::milliseconds(ms), wait)) ++sent;
  EXPECT_GE(sent, 19);
  EXPECT_LE(sent, 21);
}

TEST(RateLimiter, SaysHowLongToWait) {
  iot::pub::RateLimiter r(2);
  auto t = std::chrono::steady_clock::time_point{} + 1h;
  std::chrono::nanoseconds wait{};
  EXPECT_TRUE(r.try_take(t, wait));
  EXPECT_FALSE(r.try_take(t, wait));
  EXPECT_GT(wait, 0ns);
  EXPECT_LE(wait, 500ms);
}

TEST(RateLimiter, ZeroIsUnlimited) {
  iot::pub::RateLimiter r(0);
  std::chrono::nanoseconds wait{};
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(r.try_take(std::chrono::steady_clock::now(), wait));
}
