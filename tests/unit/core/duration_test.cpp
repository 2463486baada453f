#include "core/duration.hpp"

#include <gtest/gtest.h>

namespace iot {
namespace {
using namespace std::chrono_literals;

TEST(ParseDuration, UnitsAndBareSeconds) {
  EXPECT_EQ(*parse_duration("500ms"), 500ms);
  EXPECT_EQ(*parse_duration("2s"), 2s);
  EXPECT_EQ(*parse_duration("2"), 2s);
  EXPECT_EQ(*parse_duration("1.5"), 1500ms);
  EXPECT_EQ(*parse_duration("5m"), 5min);
  EXPECT_EQ(*parse_duration("24h"), 24h);
  EXPECT_EQ(*parse_duration("1d"), 24h);
}

TEST(ParseDuration, RefusesGarbage) {
  for (const char* bad : {"", "s", "-1s", "5x", "1e400", "nan", "5 s"}) EXPECT_FALSE(parse_duration(bad)) << bad;
}

}  // namespace
}  // namespace iot

namespace iot {
namespace {

TEST(FormatDuration, ReadableUnits) {
  EXPECT_EQ(format_duration(0.00042), "420us");
  EXPECT_EQ(format_duration(0.35), "350ms");
  EXPECT_EQ(format_duration(0.9999), "1.0s");
  EXPECT_EQ(format_duration(1.234), "1.2s");
  EXPECT_EQ(format_duration(59.96), "1m00s");
  EXPECT_EQ(format_duration(303), "5m03s");
  EXPECT_EQ(format_duration(6 * 3600 + 14 * 60 + 7), "6h14m");
  EXPECT_EQ(format_duration(22497184.790), "260d09h");
  EXPECT_EQ(format_duration(-2.5), "-2.5s");
  EXPECT_EQ(format_duration(0), "0us");
}

}  // namespace
}  // namespace iot
