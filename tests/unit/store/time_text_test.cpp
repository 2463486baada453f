#include "store/time_text.hpp"

#include <gtest/gtest.h>

namespace iot::store {

TEST(TimeText, FormatsMicrosecondsUtc) {
  EXPECT_EQ(iso_micros(1710844800123000000), "2024-03-19T10:40:00.123000Z");
  EXPECT_EQ(iso_micros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(iso_micros(1999), "1970-01-01T00:00:00.000001Z");  // truncated to µs
  EXPECT_EQ(iso_micros(-1000), "1969-12-31T23:59:59.999999Z");
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
