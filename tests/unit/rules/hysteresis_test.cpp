#include "rules/hysteresis.hpp"

#include <climits>

#include "rules/rule.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace iot::rules {
namespace {

struct HysteresisStep {
  std::int64_t now;
  bool active;
  Transition expected;
};

void run(std::int64_t clear_after, const std::vector<HysteresisStep>& steps) {
  AlarmState state;
  for (std::size_t i = 0; i < steps.size(); ++i)
    EXPECT_EQ(step(state, steps[i].active, steps[i].now, steps[i].now, clear_after), steps[i].expected)
        << "clear_after " << clear_after << ", step " << i;
}

TEST(Hysteresis, WithoutClearAfterTheFirstCalmReadingClears) {
  run(0, {
             {1, false, Transition::none},
             {2, true, Transition::raise},
             {3, true, Transition::none},  // a raise while raised continues the alarm
             {4, false, Transition::clear},
             {5, false, Transition::none},
             {6, true, Transition::raise},
         });
}

TEST(Hysteresis, ClearAfterNeedsTheConditionGoneThatLong) {
  run(10, {
              {0, true, Transition::raise},
              {5, false, Transition::none},   // calm from 5
              {12, true, Transition::none},   // back before 15: still the same alarm
              {13, false, Transition::none},  // calm from 13
              {20, false, Transition::none},
              {23, false, Transition::clear},  // 10 after 13
              {24, true, Transition::raise},
          });
}

TEST(Hysteresis, RaiseKeepsTheConditionsStart) {
  AlarmState state;
  EXPECT_EQ(step(state, true, 100, 160, 0), Transition::raise);
  EXPECT_EQ(state.since_ns, 100);
  EXPECT_EQ(step(state, false, 0, 170, 0), Transition::clear);
  EXPECT_EQ(state.since_ns, 100);  // a clear still knows when its alarm began
}

TEST(Hysteresis, TimesAtTheEndsOfTheClockDoNotOverflow) {
  AlarmState state;
  EXPECT_EQ(step(state, true, INT64_MIN, INT64_MIN, 0), Transition::raise);
  EXPECT_EQ(step(state, false, 0, INT64_MIN, INT64_MAX), Transition::none);
  EXPECT_EQ(step(state, false, 0, INT64_MAX, INT64_MAX), Transition::clear);  // saturated: as long as can be
  EXPECT_EQ(sub_sat(INT64_MAX, -1), INT64_MAX);
  EXPECT_EQ(sub_sat(INT64_MIN, 1), INT64_MIN);
  EXPECT_EQ(add_sat(INT64_MAX, 1), INT64_MAX);
  EXPECT_EQ(add_sat(INT64_MIN, -1), INT64_MIN);
  EXPECT_EQ(add_sat(2, 3), 5);
}

}  // namespace
}  // namespace iot::rules
