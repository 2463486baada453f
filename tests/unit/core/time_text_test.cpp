// core/time_text: the one parser and formatter of times in the tree.
#include "core/time_text.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <random>

namespace iot::time_text {
namespace {

std::int64_t cli(std::string_view text) { return parse_time_ns(text, command_line_rules).value(); }

TEST(TimeText, Iso8601OnTheCommandLine) {
  EXPECT_EQ(cli("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(cli("2024-03-19T10:40:00Z"), 1710844800LL * 1000000000);
  EXPECT_EQ(cli("2024-03-19T10:40:00.123Z"), 1710844800123LL * 1000000);
  EXPECT_EQ(cli("2024-03-19T12:40:00+02:00"), 1710844800LL * 1000000000);
  EXPECT_EQ(cli("2024-03-19T10:40:00"), 1710844800LL * 1000000000);  // no zone: UTC
  EXPECT_EQ(cli("2024-03-19"), 1710806400LL * 1000000000);
  EXPECT_FALSE(parse_time_ns("2024-13-19", command_line_rules).ok());
  EXPECT_FALSE(parse_time_ns("2023-02-29", command_line_rules).ok());
  EXPECT_TRUE(parse_time_ns("2024-02-29", command_line_rules).ok());
  EXPECT_FALSE(parse_time_ns("2024-03-19T10:40:00Zjunk", command_line_rules).ok());
}

TEST(TimeText, PayloadTimesNeedAZone) {
  EXPECT_EQ(parse_iso_ns("2024-03-19T10:40:00.5Z").value(), 1710844800500000000);
  EXPECT_EQ(parse_iso_ns("2024-03-19 10:40:00.5+00").value(), 1710844800500000000);  // PostgreSQL's output
  EXPECT_EQ(parse_iso_ns("2024-03-19t10:40:00,25z").value(), 1710844800250000000);
  EXPECT_EQ(parse_iso_ns("2024-03-19T10:40:00.123456789123Z").value(), 1710844800123456789);
  auto no_zone = parse_iso_ns("2024-03-19T10:40:00");
  ASSERT_FALSE(no_zone);
  EXPECT_EQ(no_zone.error().reason, "schema");
  EXPECT_NE(no_zone.error().message.find("no time zone"), std::string::npos);
  EXPECT_FALSE(parse_iso_ns("2024-03-19").ok());
  EXPECT_FALSE(parse_iso_ns("2024-03-19T24:00:00Z").ok());
  EXPECT_FALSE(parse_iso_ns("2024-03-19T10:40:00+25:00").ok());
  EXPECT_FALSE(parse_iso_ns("yesterday").ok());
}

TEST(TimeText, UnixNumbersByMagnitude) {
  EXPECT_EQ(cli("1710844800"), 1710844800LL * 1000000000);
  EXPECT_EQ(cli("1710844800123"), 1710844800123LL * 1000000);
  EXPECT_EQ(cli("1710844800123456"), 1710844800123456LL * 1000);
  EXPECT_EQ(cli("1710844800123456789"), 1710844800123456789LL);
  EXPECT_EQ(cli("1710844800.5"), 1710844800500000000LL);
  EXPECT_EQ(cli("-5"), -5000000000LL);
  EXPECT_FALSE(parse_time_ns("", command_line_rules).ok());
  EXPECT_EQ(unix_integer_to_ns(1710844800123).value(), 1710844800123000000);
  EXPECT_EQ(unix_double_to_ns(1710844800.25).value(), 1710844800250000000);
  EXPECT_FALSE(unix_double_to_ns(1e300).ok());
  EXPECT_FALSE(parse_unix_text("99999999999999999999").value().ok());  // present, but out of range
  EXPECT_FALSE(parse_unix_text("12abc").has_value());
}

TEST(TimeText, FormatsMicrosecondsUtc) {
  EXPECT_EQ(rfc3339_micros(1710844800123000000), "2024-03-19T10:40:00.123000Z");
  EXPECT_EQ(rfc3339_micros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(rfc3339_micros(1999), "1970-01-01T00:00:00.000001Z");  // truncated to µs
  EXPECT_EQ(rfc3339_micros(-1000), "1969-12-31T23:59:59.999999Z");
}

// The calendar agrees with the C library's gmtime over a spread of instants
// from 1900 to 2200, both ways.
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
    const std::int64_t ns = s * 1000000000 + micros * 1000LL;
    ASSERT_EQ(rfc3339_micros(ns), want) << s;
    ASSERT_EQ(parse_iso_ns(want).value(), ns) << want;
  }
}

}  // namespace
}  // namespace iot::time_text
