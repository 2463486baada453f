#include "store/time_text.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

namespace iot::store {

TEST(TimeText, FormatsMicrosecondsUtc) {
  EXPECT_EQ(iso_micros(1710844800123000000), "2024-03-19T10:40:00.123000Z");
  EXPECT_EQ(iso_micros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(iso_micros(1999), "1970-01-01T00:00:00.000001Z");  // truncated to µs
  EXPECT_EQ(iso_micros(-1000), "1969-12-31T23:59:59.999999Z");
}

// The hand-written digits agree with the C library's gmtime over a spread of
// instants from 1900 to 2200.
TEST(TimeText, AgreesWithGmtime) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::int64_t> secs(-2208988800, 7258118400);
  for (int i = 0; i < 20000; ++i) {
    std::int64_t s = secs(rng);
    int micros = static_cast<int>(rng() % 1000000);
    std::time_t t = static_cast<std::time_t>(s);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&t, &tm), nullptr);
    char want[64];
    std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
    ASSERT_EQ(iso_micros(s * 1000000000 + micros * 1000LL), want) << s;
  }
}

TEST(TimeText, ParsesWhatItWritesAndPostgresForms) {
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{1710844800123456000}, std::int64_t{-86400000000000}}) {
    auto back = parse_iso_micros(iso_micros(t));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, t);
  }
  EXPECT_EQ(parse_iso_micros("2024-03-19 10:40:00.5+00"), 1710844800500000000);
  EXPECT_EQ(parse_iso_micros("2024-03-19T10:40:00Z"), 1710844800000000000);
  EXPECT_FALSE(parse_iso_micros("2024-03-19T10:40:00+02:00"));
  EXPECT_FALSE(parse_iso_micros("yesterday"));
  EXPECT_FALSE(parse_iso_micros("2024-13-19T10:40:00Z"));
}

}  // namespace iot::store
