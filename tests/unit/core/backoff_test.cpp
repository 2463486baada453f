#include "core/backoff.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using iot::Backoff;

TEST(Backoff, GrowsExponentiallyWithinHalfJitter) {
  Backoff b({100ms, 10000ms, 2.0}, 42);
  for (int i = 0; i < 5; ++i) {
    auto cap = 100ms * (1 << i);
    auto d = b.next();
    EXPECT_GE(d, cap / 2) << i;
    EXPECT_LE(d, cap) << i;
  }
}

TEST(Backoff, StopsAtTheCap) {
  Backoff b({100ms, 1000ms, 2.0}, 7);
  for (int i = 0; i < 30; ++i) EXPECT_LE(b.next(), 1000ms);
  EXPECT_GE(b.next(), 500ms);
}

TEST(Backoff, ResetStartsOver) {
  Backoff b({100ms, 10000ms, 2.0}, 1);
  for (int i = 0; i < 6; ++i) (void)b.next();
  b.reset();
  EXPECT_EQ(b.failures(), 0);
  EXPECT_LE(b.next(), 100ms);
}

TEST(Backoff, JitterSpreadsTwoClients) {
  Backoff a({1000ms, 30000ms, 2.0}, 1), b({1000ms, 30000ms, 2.0}, 2);
  int differ = 0;
  for (int i = 0; i < 5; ++i) differ += a.next() != b.next();
  EXPECT_GT(differ, 0);
}

TEST(Backoff, AfterTakesTheCountFromTheCaller) {
  Backoff b({100ms, 10000ms, 2.0}, 3);
  for (int i = 0; i < 5; ++i) {
    auto cap = 100ms * (1 << i);
    auto d = b.after(i);
    EXPECT_GE(d, cap / 2) << i;
    EXPECT_LE(d, cap) << i;
  }
  EXPECT_EQ(b.failures(), 0);  // after() keeps no count of its own
  EXPECT_LE(b.after(40), 10000ms);
}
