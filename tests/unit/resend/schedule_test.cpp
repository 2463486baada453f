#include "resend/schedule.hpp"

#include <gtest/gtest.h>

namespace iot::resend {
namespace {

using namespace std::chrono_literals;
using checks::GapEvent;
using checks::GapEventKind;
using checks::SeqRange;

const Clock::time_point t0 = Clock::time_point() + 1000s;

ScheduleSettings settings(int tries = 3) {
  ScheduleSettings s;
  s.after = 1s;
  s.tries = tries;
  s.max_delay = 8s;
  s.seed = 7;
  return s;
}

GapEvent opened(const std::string& device, std::int64_t from, std::int64_t to) {
  return GapEvent{GapEventKind::opened, device, {from, to}, {{from, to}}};
}
GapEvent narrowed(const std::string& device, SeqRange gap, std::vector<SeqRange> remaining) {
  return GapEvent{GapEventKind::narrowed, device, gap, std::move(remaining)};
}
GapEvent filled(const std::string& device, SeqRange gap) { return GapEvent{GapEventKind::filled, device, gap, {}}; }

TEST(ResendSchedule, AsksOnceTheGapIsOpenForAfter) {
  ResendSchedule s(settings());
  s.on_gap_event(opened("P-1", 5, 9), "plant/P-1/resend", t0);
  EXPECT_EQ(s.next_due(), t0 + 1s);
  EXPECT_TRUE(s.due(t0 + 999ms, 1).requests.empty());
  auto work = s.due(t0 + 1s, 42);
  ASSERT_EQ(work.requests.size(), 1u);
  EXPECT_EQ(work.requests[0].topic, "plant/P-1/resend");
  EXPECT_EQ(work.requests[0].request, (Notice{NoticeKind::request, "P-1", 5, 9, 42}));
  EXPECT_EQ(s.counters().requests, 1u);
  // The next request waits for the backoff: between after/2 and after.
  ASSERT_TRUE(s.next_due());
  EXPECT_GE(*s.next_due(), t0 + 1500ms);
  EXPECT_LE(*s.next_due(), t0 + 2s);
}

TEST(ResendSchedule, ALateMessageBeforeAnyRequestIsNotAHeal) {
  ResendSchedule s(settings());
  s.on_gap_event(opened("P-1", 5, 5), "r", t0);
  s.on_gap_event(filled("P-1", {5, 5}), "", t0 + 10ms);
  EXPECT_EQ(s.open(), 0u);
  EXPECT_TRUE(s.due(t0 + 5s, 0).requests.empty());
  EXPECT_EQ(s.counters().healed, 0u);
  EXPECT_EQ(s.counters().resent, 0u);
  EXPECT_FALSE(s.next_due());
}

TEST(ResendSchedule, FilledAfterARequestIsHealedAndCountsEverySeq) {
  ResendSchedule s(settings());
  s.on_gap_event(opened("P-1", 5, 7), "r", t0);
  ASSERT_EQ(s.due(t0 + 1s, 0).requests.size(), 1u);
  s.on_gap_event(narrowed("P-1", {5, 7}, {{5, 5}, {7, 7}}), "", t0 + 1100ms);  // 6 came: a split
  s.on_gap_event(narrowed("P-1", {5, 7}, {{7, 7}}), "", t0 + 1200ms);
  EXPECT_EQ(s.counters().resent, 2u);
  s.on_gap_event(filled("P-1", {5, 7}), "", t0 + 1300ms);
  EXPECT_EQ(s.counters().resent, 3u);
  EXPECT_EQ(s.counters().healed, 1u);
  EXPECT_EQ(s.open(), 0u);
}

TEST(ResendSchedule, OnlyWhatIsStillMissingIsAskedAgain) {
  ResendSchedule s(settings());
  s.on_gap_event(opened("P-1", 1, 10), "r", t0);
  ASSERT_EQ(s.due(t0 + 1s, 0).requests.size(), 1u);
  s.on_gap_event(narrowed("P-1", {1, 10}, {{1, 4}, {6, 10}}), "", t0 + 1100ms);
  auto work = s.due(t0 + 3s, 0);
  ASSERT_EQ(work.requests.size(), 2u);
  EXPECT_EQ(work.requests[0].request.from_seq, 1);
  EXPECT_EQ(work.requests[0].request.to_seq, 4);
  EXPECT_EQ(work.requests[1].request.from_seq, 6);
}

TEST(ResendSchedule, GivesUpAfterTheTriesAndOneMoreWait) {
  ResendSchedule s(settings(2));
  s.on_gap_event(opened("P-1", 5, 9), "r", t0);
  auto now = t0 + 1s;
  EXPECT_EQ(s.due(now, 0).requests.size(), 1u);
  now += 10s;
  EXPECT_EQ(s.due(now, 0).requests.size(), 1u);
  EXPECT_EQ(s.open(), 1u);  // the answer to the last request may still come
  now += 10s;
  auto work = s.due(now, 0);
  EXPECT_TRUE(work.requests.empty());
  ASSERT_EQ(work.lost.size(), 1u);
  EXPECT_EQ(work.lost[0].device_id, "P-1");
  EXPECT_EQ(work.lost[0].why, LostWhy::no_answer);
  EXPECT_EQ(work.lost[0].missing, (std::vector<SeqRange>{{5, 9}}));
  EXPECT_EQ(s.counters().requests, 2u);
  EXPECT_EQ(s.counters().lost, 1u);
  EXPECT_EQ(s.counters().gone, 0u);
  EXPECT_EQ(s.open(), 0u);
  // A message of the lost gap that still comes changes nothing.
  s.on_gap_event(filled("P-1", {5, 9}), "", now);
  EXPECT_EQ(s.counters().healed, 0u);
}

TEST(ResendSchedule, AGoneNoticeStopsTheAsking) {
  ResendSchedule s(settings(5));
  s.on_gap_event(opened("P-1", 5, 9), "r", t0);
  s.on_gap_event(opened("P-2", 5, 9), "r", t0);
  ASSERT_EQ(s.due(t0 + 1s, 0).requests.size(), 2u);
  s.on_gone(Notice{NoticeKind::gone, "P-1", 1, 100, 0});
  EXPECT_EQ(s.next_due(), Clock::time_point::min());  // the loss is reported at once
  auto work = s.due(t0 + 1100ms, 0);
  ASSERT_EQ(work.lost.size(), 1u);
  EXPECT_EQ(work.lost[0].device_id, "P-1");
  EXPECT_EQ(work.lost[0].why, LostWhy::gone);
  EXPECT_EQ(s.counters().gone, 1u);
  EXPECT_EQ(s.open(), 1u);  // P-2 is still asked for
}

TEST(ResendSchedule, APartlyGoneGapAsksOnlyForTheRest) {
  ResendSchedule s(settings(5));
  s.on_gap_event(opened("P-1", 5, 9), "r", t0);
  ASSERT_EQ(s.due(t0 + 1s, 0).requests.size(), 1u);
  s.on_gone(Notice{NoticeKind::gone, "P-1", 5, 6, 0});
  s.on_gone(Notice{NoticeKind::gone, "P-1", 20, 30, 0});  // another range: nothing to do
  auto work = s.due(t0 + 5s, 0);
  ASSERT_EQ(work.requests.size(), 1u);
  EXPECT_EQ(work.requests[0].request.from_seq, 7);
  EXPECT_EQ(work.requests[0].request.to_seq, 9);
  // The rest arrives: still a heal, of what could be healed.
  s.on_gap_event(narrowed("P-1", {5, 9}, {{5, 6}}), "", t0 + 5100ms);
  EXPECT_EQ(s.counters().resent, 3u);
  auto end = s.due(t0 + 60s, 0);
  ASSERT_EQ(end.lost.size(), 1u);
  EXPECT_EQ(end.lost[0].why, LostWhy::gone);
  EXPECT_EQ(end.lost[0].missing, (std::vector<SeqRange>{{5, 6}}));
}

TEST(ResendSchedule, BoundedByMaxGaps) {
  ScheduleSettings cfg = settings();
  cfg.max_gaps = 2;
  ResendSchedule s(cfg);
  s.on_gap_event(opened("P-1", 1, 1), "r", t0);
  s.on_gap_event(opened("P-2", 1, 1), "r", t0 + 1ms);
  s.on_gap_event(opened("P-3", 1, 1), "r", t0 + 2ms);
  EXPECT_EQ(s.open(), 2u);
  auto work = s.due(t0, 0);
  ASSERT_EQ(work.lost.size(), 1u);
  EXPECT_EQ(work.lost[0].device_id, "P-1");
  EXPECT_EQ(work.lost[0].why, LostWhy::over_limit);
}

TEST(ResendSchedule, AGapTheTrackerDroppedIsGivenUp) {
  ResendSchedule s(settings());
  s.on_gap_event(opened("P-1", 1, 3), "r", t0);
  s.on_gap_event(GapEvent{GapEventKind::dropped, "P-1", {1, 3}, {{1, 3}}}, "", t0);
  auto work = s.due(t0, 0);
  ASSERT_EQ(work.lost.size(), 1u);
  EXPECT_EQ(work.lost[0].why, LostWhy::over_limit);
  EXPECT_EQ(s.open(), 0u);
}

}  // namespace
}  // namespace iot::resend
