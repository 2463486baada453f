#include "store/alarm_state.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace iot::store {
namespace {

AlarmEvent raise(std::int64_t ts, std::string id, std::int64_t since = 0) { return {true, ts, since ? since : ts, std::move(id)}; }
AlarmEvent clear(std::int64_t ts, std::string id, std::int64_t since) { return {false, ts, since, std::move(id)}; }

TEST(AlarmState, RaiseOpensRepeatedRaiseContinuesClearEnds) {
  AlarmState s = fold_alarm_state({raise(100, "a"), raise(200, "b")});
  EXPECT_TRUE(s.active);
  EXPECT_EQ(s.first_seen_ms, 100);
  EXPECT_EQ(s.last_seen_ms, 200);
  EXPECT_EQ(s.raises, 2);
  EXPECT_FALSE(s.cleared_at_ms);
  s = fold_alarm_state({raise(100, "a"), raise(200, "b"), clear(300, "c", 100)});
  EXPECT_FALSE(s.active);
  EXPECT_EQ(s.first_seen_ms, 100);
  EXPECT_EQ(s.cleared_at_ms, 300);
}

TEST(AlarmState, LateOlderRaiseDoesNotReopenAClearedAlarm) {
  // The raise at 150 arrives after the clear at 300: it belongs to the
  // episode the clear ended.
  AlarmState s = fold_alarm_state({raise(100, "a"), clear(300, "c", 100), raise(150, "b")});
  EXPECT_FALSE(s.active);
  EXPECT_EQ(s.raises, 2);
  EXPECT_EQ(s.last_seen_ms, 150);
  EXPECT_EQ(s.cleared_at_ms, 300);
}

TEST(AlarmState, ANewerRaiseAfterAClearOpensANewEpisode) {
  AlarmState s = fold_alarm_state({raise(100, "a"), clear(300, "c", 100), raise(400, "d")});
  EXPECT_TRUE(s.active);
  EXPECT_EQ(s.first_seen_ms, 400);
  EXPECT_FALSE(s.cleared_at_ms);
  EXPECT_EQ(s.raises, 2);
}

TEST(AlarmState, EveryOrderGivesTheSameState) {
  std::vector<AlarmEvent> events{raise(100, "a"), raise(150, "b"), clear(300, "c", 100), raise(400, "d"),
                                 clear(500, "e", 400), raise(600, "f")};
  AlarmState first = fold_alarm_state(events);
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.msg_id < b.msg_id; });
  int orders = 0;
  do {
    AlarmState s = fold_alarm_state(events);
    ASSERT_EQ(s.active, first.active);
    ASSERT_EQ(s.first_seen_ms, first.first_seen_ms);
    ASSERT_EQ(s.last_seen_ms, first.last_seen_ms);
    ASSERT_EQ(s.raises, first.raises);
    ASSERT_EQ(s.cleared_at_ms, first.cleared_at_ms);
    ++orders;
  } while (std::next_permutation(events.begin(), events.end(),
                                 [](const auto& a, const auto& b) { return a.msg_id < b.msg_id; }));
  EXPECT_EQ(orders, 720);
  EXPECT_TRUE(first.active);
  EXPECT_EQ(first.first_seen_ms, 600);
  EXPECT_EQ(first.raises, 4);
}

TEST(AlarmState, EqualTimesAreOrderedByMsgId) {
  AlarmState s = fold_alarm_state({clear(100, "b", 100), raise(100, "a")});
  EXPECT_FALSE(s.active);
  EXPECT_EQ(s.cleared_at_ms, 100);
}

TEST(AlarmState, AClearWithoutItsRaiseEndsTheAlarmAtItsSince) {
  AlarmState s = fold_alarm_state({clear(300, "c", 120)});
  EXPECT_FALSE(s.active);
  EXPECT_EQ(s.raises, 0);
  EXPECT_EQ(s.first_seen_ms, 120);
  EXPECT_EQ(s.cleared_at_ms, 300);
  EXPECT_FALSE(s.last_seen_ms);
}

TEST(AlarmState, NoEventsIsInactive) {
  AlarmState s = fold_alarm_state({});
  EXPECT_FALSE(s.active);
  EXPECT_EQ(s.raises, 0);
}

}  // namespace
}  // namespace iot::store
