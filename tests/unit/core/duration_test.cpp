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
