#include "replay/pacer.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace iot::replay {
namespace {

using Clock = Pacer::Clock;

// The schedule is absolute: due times are start + offset / speed, whatever
// the sleeps did. A fake sleeper records what it was asked.
TEST(Pacer, SchedulesFromTimestampsAtSpeed) {
  std::vector<Clock::time_point> asked;
  Pacer pacer({false, 10.0, 0}, [&](Clock::time_point t) { asked.push_back(t); });
  std::int64_t base = 1710844800LL * 1000000000;
  for (int i = 0; i < 5; ++i) pacer.wait(base + i * 1000000000LL);  // one per second
  ASSERT_EQ(asked.size(), 4u);  // the first is due at once
  for (std::size_t i = 1; i < asked.size(); ++i) {
    auto step = std::chrono::duration<double>(asked[i] - asked[i - 1]).count();
    EXPECT_NEAR(step, 0.1, 1e-6);  // 1 s at --speed 10; exact: from the schedule, not from now
  }
  EXPECT_EQ(pacer.count(), 5u);
  EXPECT_EQ(pacer.position_ns().value(), base + 4000000000LL);
}

TEST(Pacer, RateIgnoresTimestamps) {
  std::vector<Clock::time_point> asked;
  Pacer pacer({false, 1.0, 4.0}, [&](Clock::time_point t) { asked.push_back(t); });
  for (int i = 0; i < 5; ++i) pacer.wait(std::nullopt);
  ASSERT_EQ(asked.size(), 4u);
  EXPECT_NEAR(std::chrono::duration<double>(asked[3] - asked[0]).count(), 0.75, 1e-6);
}

TEST(Pacer, FastNeverSleepsAndBackwardsTimeIsDueNow) {
  int sleeps = 0;
  Pacer fast({true, 1.0, 0}, [&](Clock::time_point) { ++sleeps; });
  for (int i = 0; i < 100; ++i) fast.wait(std::int64_t(i) * 1000000000);
  EXPECT_EQ(sleeps, 0);
  Pacer paced({false, 1.0, 0}, [&](Clock::time_point) { ++sleeps; });
  paced.wait(5000000000);
  paced.wait(4000000000);  // earlier than the first: due at once
  EXPECT_EQ(sleeps, 0);
}

TEST(Pacer, LagIsMeasuredWhenBehind) {
  // A sleeper that wakes 5 ms after the due time stands for a reader that
  // fell behind: sleep_until never returns early, so each message is sent at
  // least 5 ms late and the lag must say so (a lower bound only: a busy
  // machine can make it larger, never smaller).
  constexpr auto late = std::chrono::milliseconds(5);
  Pacer pacer({false, 1000.0, 0}, [&](Clock::time_point due) { std::this_thread::sleep_until(due + late); });
  pacer.wait(0);            // due at once
  pacer.wait(1000000000);   // due 1 ms after start, sent >= 5 ms after that
  EXPECT_GE(pacer.max_lag(), late);
  EXPECT_GE(pacer.current_lag(), late);
}

TEST(Pacer, NoLagWhenAhead) {
  // A sleeper that returns at once sends the second message an hour before
  // it is due: early is not late, so its lag is zero, not negative.
  Pacer pacer({false, 1.0, 0}, [](Clock::time_point) {});
  pacer.wait(0);
  pacer.wait(std::int64_t(3600) * 1000000000);  // due in an hour, sent now
  EXPECT_EQ(pacer.current_lag().count(), 0);
}

}  // namespace
}  // namespace iot::replay
