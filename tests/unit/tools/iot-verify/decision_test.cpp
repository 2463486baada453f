#include "iot-verify/decision.hpp"

#include <gtest/gtest.h>

namespace iot::verify {
namespace {

Counters clean(std::uint64_t n) {
  Counters c;
  c.total = c.valid = n;
  return c;
}

TEST(Decide, ReportCleanIsZero) { EXPECT_EQ(decide(VerifyOptions{}, clean(10)).code, 0); }

TEST(Decide, ReportInvalidIsOne) {
  Counters c = clean(10);
  c.valid = 9;
  c.invalid = c.duplicates = 1;
  Decision d = decide(VerifyOptions{}, c);
  EXPECT_EQ(d.code, 1);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0], "1 invalid lines");
}

TEST(Decide, FindingsOnlyUnderStrict) {
  Counters c = clean(10);
  c.gap_events = 1;
  c.missing = 3;
  c.future_ts = 2;
  EXPECT_EQ(decide(VerifyOptions{}, c).code, 0);
  VerifyOptions strict;
  strict.strict = true;
  EXPECT_EQ(decide(strict, c).code, 1);
}

TEST(Decide, MaxGapIsOnMissingSeqs) {
  Counters c = clean(10);
  c.gap_events = 2;
  c.missing = 5;
  VerifyOptions s;
  s.max_gap = 5;
  EXPECT_EQ(decide(s, c).code, 0);
  s.max_gap = 4;
  EXPECT_EQ(decide(s, c).code, 1);
}

TEST(Decide, FilterIsZeroUnlessStrict) {
  Counters c = clean(10);
  c.valid = 8;
  c.invalid = c.bad_signature = 2;
  c.reordered = 4;
  VerifyOptions s;
  s.filter = true;
  EXPECT_EQ(decide(s, c).code, 0);
  s.strict = true;
  EXPECT_EQ(decide(s, c).code, 1);
  c.valid = 10;
  c.invalid = c.bad_signature = 0;
  EXPECT_EQ(decide(s, c).code, 0);  // findings are not rejects
}

TEST(Decide, ExpectCountInBothModes) {
  VerifyOptions s;
  s.expect_count = 10;
  EXPECT_EQ(decide(s, clean(10)).code, 0);
  EXPECT_EQ(decide(s, clean(11)).code, 1);
  s.filter = true;
  Decision d = decide(s, clean(9));
  EXPECT_EQ(d.code, 1);
  EXPECT_EQ(d.reasons.at(0), "expected 10 lines, read 9");
}

}  // namespace
}  // namespace iot::verify
