#include "checks/sequence_tracker.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace iot::checks {
namespace {

TEST(SequenceTracker, InOrderHasNoGaps) {
  SequenceTracker t;
  std::vector<GapEvent> ev;
  EXPECT_EQ(t.observe("P-1", 10, ev).outcome, SeqOutcome::first);
  EXPECT_EQ(t.observe("P-1", 11, ev).outcome, SeqOutcome::in_order);
  EXPECT_EQ(t.observe("P-1", 12, ev).last_seq, 12);
  EXPECT_TRUE(ev.empty());
  EXPECT_EQ(t.missing(), 0u);
  EXPECT_EQ(t.gap_events(), 0u);
}

TEST(SequenceTracker, GapIsInclusiveMissingRange) {
  SequenceTracker t;
  std::vector<GapEvent> ev;
  t.observe("P-1", 1, ev);
  EXPECT_EQ(t.observe("P-1", 5, ev).outcome, SeqOutcome::gap);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, GapEventKind::opened);
  EXPECT_EQ(ev[0].device, "P-1");
  EXPECT_EQ(ev[0].gap, (SeqRange{2, 4}));
  EXPECT_EQ(t.missing(), 3u);
  EXPECT_EQ(t.gap_events(), 1u);
}

TEST(SequenceTracker, LateMessagesNarrowSplitAndFill) {
  SequenceTracker t;
  std::vector<GapEvent> ev;
  t.observe("D", 1, ev);
  t.observe("D", 7, ev);  // gap 2..6
  ev.clear();
  EXPECT_EQ(t.observe("D", 4, ev).outcome, SeqOutcome::filled_gap);  // split 2..3, 5..6
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, GapEventKind::narrowed);
  EXPECT_EQ(ev[0].gap, (SeqRange{2, 6}));
  EXPECT_EQ(ev[0].remaining, (std::vector<SeqRange>{{2, 3}, {5, 6}}));
  EXPECT_EQ(t.missing(), 4u);
  for (std::int64_t s : {2, 3, 5}) t.observe("D", s, ev);
  ev.clear();
  EXPECT_EQ(t.observe("D", 6, ev).outcome, SeqOutcome::filled_gap);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, GapEventKind::filled);
  EXPECT_TRUE(ev[0].remaining.empty());
  EXPECT_EQ(t.missing(), 0u);
  EXPECT_EQ(t.gap_events(), 1u);
  EXPECT_EQ(t.reordered(), 5u);
  EXPECT_TRUE(t.open_gaps("D").empty());
}

TEST(SequenceTracker, SameLateSeqTwiceNeverDoubleCounts) {
  SequenceTracker t;
  std::vector<GapEvent> ev;
  t.observe("D", 1, ev);
  t.observe("D", 4, ev);  // gap 2..3
  EXPECT_EQ(t.observe("D", 2, ev).outcome, SeqOutcome::filled_gap);
  EXPECT_EQ(t.observe("D", 2, ev).outcome, SeqOutcome::reordered);
  EXPECT_EQ(t.observe("D", 4, ev).outcome, SeqOutcome::reordered);
  EXPECT_EQ(t.missing(), 1u);
  EXPECT_EQ(t.open_gaps("D"), (std::vector<SeqRange>{{3, 3}}));
}

TEST(SequenceTracker, DevicesAreIndependent) {
  SequenceTracker t;
  std::vector<GapEvent> ev;
  t.observe("A", 1, ev);
  t.observe("B", 100, ev);
  t.observe("A", 2, ev);
  t.observe("B", 101, ev);
  EXPECT_TRUE(ev.empty());
  EXPECT_EQ(t.devices(), 2u);
}

TEST(SequenceTracker, OpenGapsPerDeviceAreCapped) {
  SequenceTracker t(SequenceLimits{2, 10});
  std::vector<GapEvent> ev;
  t.observe("D", 0, ev);
  for (std::int64_t s : {2, 4, 6}) t.observe("D", s, ev);  // gaps 1, 3, 5
  EXPECT_EQ(t.open_gaps("D"), (std::vector<SeqRange>{{3, 3}, {5, 5}}));
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.back().kind, GapEventKind::dropped);
  EXPECT_EQ(ev.back().gap, (SeqRange{1, 1}));
  EXPECT_EQ(t.missing(), 3u);  // a dropped gap stays counted
  EXPECT_EQ(t.observe("D", 1, ev).outcome, SeqOutcome::reordered);  // can no longer fill
}

TEST(SequenceTracker, DevicesAreCappedLeastRecentlySeenFirst) {
  SequenceTracker t(SequenceLimits{4, 2});
  std::vector<GapEvent> ev;
  t.observe("A", 1, ev);
  t.observe("B", 1, ev);
  t.observe("A", 2, ev);  // A is now the most recent
  t.observe("C", 1, ev);  // forgets B
  EXPECT_EQ(t.devices(), 2u);
  EXPECT_EQ(t.observe("B", 50, ev).outcome, SeqOutcome::first);
  EXPECT_EQ(t.observe("C", 2, ev).outcome, SeqOutcome::in_order);
  EXPECT_EQ(t.evicted(), 2u);  // B, then A when B came back
}

TEST(SequenceChecker, StateKeptByTheCaller) {
  SequenceChecker c(4);
  SeqState d;
  std::vector<GapEvent> ev;
  EXPECT_EQ(c.observe(d, "D", 1, ev).outcome, SeqOutcome::first);
  EXPECT_EQ(c.observe(d, "D", 3, ev).outcome, SeqOutcome::gap);
  ASSERT_NE(d.gaps, nullptr);
  EXPECT_EQ(c.observe(d, "D", 2, ev).outcome, SeqOutcome::filled_gap);
  EXPECT_EQ(d.gaps, nullptr);  // no open gap: no heap memory
  EXPECT_EQ(d.last_seq, 3);
  EXPECT_EQ(c.missing(), 0u);
  EXPECT_EQ(c.gap_events(), 1u);
}

TEST(SequenceTracker, ExtremeSeqsDoNotOverflow) {
  SequenceTracker t;
  std::vector<GapEvent> ev;
  t.observe("D", INT64_MIN, ev);
  EXPECT_EQ(t.observe("D", INT64_MAX, ev).outcome, SeqOutcome::gap);
  EXPECT_EQ(t.missing(), UINT64_MAX - 1);  // 2^64 - 2 seqs between the two
  EXPECT_EQ(t.observe("D", INT64_MAX, ev).outcome, SeqOutcome::reordered);
}

}  // namespace
}  // namespace iot::checks
