#include "ulid/ulid.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace iot::ulid {
namespace {

TEST(Ulid, SpecExampleTimePart) {
  // github.com/ulid/spec: ulid(1469918176385) starts "01ARYZ6S41".
  Ulid u;
  u.time_ms = 1469918176385;
  std::string s = format(u);
  EXPECT_EQ(s.size(), 26u);
  EXPECT_EQ(s.substr(0, 10), "01ARYZ6S41");
  EXPECT_EQ(s.substr(10), "0000000000000000");
}

TEST(Ulid, SpecExampleParsesAndFormatsBack) {
  for (const char* text : {"01ARZ3NDEKTSV4RRFFQ69G5FAV", "01HX7K3NBVYD5V2Q3BZ8MNRZWK", "00000000000000000000000000",
                           "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"}) {
    auto u = parse(text);
    ASSERT_TRUE(u.ok()) << text;
    EXPECT_EQ(format(*u), text);
  }
  EXPECT_EQ(parse("7ZZZZZZZZZZZZZZZZZZZZZZZZZ")->time_ms, (std::uint64_t(1) << 48) - 1);
  EXPECT_EQ(parse("01ARZ3NDEKTSV4RRFFQ69G5FAV")->time_ms, 1469922850259u);
  EXPECT_EQ(parse("01ARYZ6S41TSV4RRFFQ69G5FAV")->time_ms, 1469918176385u);
  auto max = parse("7ZZZZZZZZZZZZZZZZZZZZZZZZZ").value();
  for (auto b : max.random) EXPECT_EQ(b, 0xFF);
}

TEST(Ulid, RandomBytesMapToTheLowBits) {
  Ulid u;
  u.random[9] = 1;
  EXPECT_EQ(format(u), "00000000000000000000000001");
  u.random = {};
  u.random[0] = 0x80;  // top bit of the random part: bit 79
  EXPECT_EQ(format(u), "0000000000G000000000000000");
}

TEST(Ulid, ParseIsCaseInsensitive) {
  EXPECT_EQ(format(parse("01arz3ndektsv4rrffq69g5fav").value()), "01ARZ3NDEKTSV4RRFFQ69G5FAV");
}

TEST(Ulid, ParseErrors) {
  EXPECT_FALSE(parse("").ok());
  EXPECT_FALSE(parse("01ARZ3NDEKTSV4RRFFQ69G5FA").ok());    // 25
  EXPECT_FALSE(parse("01ARZ3NDEKTSV4RRFFQ69G5FAVX").ok());  // 27
  for (char c : std::string("ILOUilou-_ !")) {
    std::string s = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    s[5] = c;
    EXPECT_FALSE(parse(s).ok()) << c;
  }
  auto overflow = parse("8ZZZZZZZZZZZZZZZZZZZZZZZZZ");
  ASSERT_FALSE(overflow.ok());
  EXPECT_NE(overflow.error().message.find("overflow"), std::string::npos);
  EXPECT_FALSE(parse("Z0000000000000000000000000").ok());
}

TEST(Generator, MonotonicWithinAMillisecond) {
  Generator g(42);
  std::string prev = g.next(1710844800123);
  EXPECT_EQ(parse(prev)->time_ms, 1710844800123u);
  for (int i = 0; i < 1000; ++i) {
    std::string cur = g.next(1710844800123);
    EXPECT_LT(prev, cur);
    EXPECT_EQ(parse(cur)->time_ms, 1710844800123u);
    // Exactly one more than the previous.
    auto a = parse(prev).value(), b = parse(cur).value();
    int last = 9;
    while (last > 0 && a.random[last] == 0xFF) --last;
    EXPECT_EQ(b.random[last], static_cast<std::uint8_t>(a.random[last] + 1));
    prev = cur;
  }
  std::string later = g.next(1710844800124);
  EXPECT_LT(prev, later);
  EXPECT_EQ(parse(later)->time_ms, 1710844800124u);
}

TEST(Generator, ClockGoingBackwardsStaysMonotonic) {
  Generator g(7);
  std::string a = g.next(2000);
  std::string b = g.next(1000);
  EXPECT_LT(a, b);
  EXPECT_EQ(parse(b)->time_ms, 2000u);
}

TEST(Successor, IncrementsTheRandomPartWithCarry) {
  Ulid u = parse("01ARZ3NDEKTSV4RRFFQ69G5FAV").value();
  EXPECT_EQ(format(successor(u)), "01ARZ3NDEKTSV4RRFFQ69G5FAW");
  Ulid carry = parse("01ARZ3NDEK000000000000000Z").value();
  EXPECT_EQ(format(successor(carry)), "01ARZ3NDEK0000000000000010");
}

TEST(Successor, RandomOverflowAdvancesTheMillisecond) {
  Ulid full = parse("01ARZ3NDEKZZZZZZZZZZZZZZZZ").value();
  Ulid next = successor(full);
  EXPECT_EQ(format(next), "01ARZ3NDEM0000000000000000");
  EXPECT_EQ(next.time_ms, full.time_ms + 1);
  EXPECT_LT(format(full), format(next));
  Ulid last = parse("7ZZZZZZZZZZZZZZZZZZZZZZZZZ").value();
  EXPECT_EQ(format(successor(last)), "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");  // saturates
}

TEST(Generator, ManyInOneMillisecondAreDistinctAndSorted) {
  Generator g(1);
  std::string prev = g.next(5000);
  std::set<std::string> seen{prev};
  for (int i = 0; i < 10000; ++i) {
    std::string cur = g.next(5000);
    EXPECT_LT(prev, cur);
    seen.insert(cur);
    prev = cur;
  }
  EXPECT_EQ(seen.size(), 10001u);
}

TEST(Generator, SeedsGiveReproducibleOrDistinctStreams) {
  Generator a(99), b(99), c(100);
  std::string x = a.next(1), y = b.next(1), z = c.next(1);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
  Generator r1, r2;  // random_device seeded
  EXPECT_NE(r1.next(1), r2.next(1));
  EXPECT_EQ(Generator().next().size(), 26u);
}

}  // namespace
}  // namespace iot::ulid
