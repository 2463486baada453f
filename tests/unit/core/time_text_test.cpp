#include "replay/time_text.hpp"

#include <gtest/gtest.h>

namespace iot::replay {
namespace {

TEST(TimeText, Iso8601) {
  EXPECT_EQ(parse_time_ns("1970-01-01T00:00:00Z").value(), 0);
  EXPECT_EQ(parse_time_ns("2024-03-19T10:40:00Z").value(), 1710844800LL * 1000000000);
  EXPECT_EQ(parse_time_ns("2024-03-19T10:40:00.123Z").value(), 1710844800123LL * 1000000);
  EXPECT_EQ(parse_time_ns("2024-03-19T12:40:00+02:00").value(), 1710844800LL * 1000000000);
  EXPECT_EQ(parse_time_ns("2024-03-19").value(), 1710806400LL * 1000000000);
  EXPECT_FALSE(parse_time_ns("2024-13-19").ok());
  EXPECT_FALSE(parse_time_ns("2024-03-19T10:40:00Zjunk").ok());
}

TEST(TimeText, UnixNumbersByMagnitude) {
  EXPECT_EQ(parse_time_ns("1710844800").value(), 1710844800LL * 1000000000);
  EXPECT_EQ(parse_time_ns("1710844800123").value(), 1710844800123LL * 1000000);
  EXPECT_EQ(parse_time_ns("1710844800123456").value(), 1710844800123456LL * 1000);
  EXPECT_EQ(parse_time_ns("1710844800123456789").value(), 1710844800123456789LL);
  EXPECT_EQ(parse_time_ns("1710844800.5").value(), 1710844800500000000LL);
  EXPECT_FALSE(parse_time_ns("yesterday").ok());
  EXPECT_FALSE(parse_time_ns("").ok());
}

}  // namespace
}  // namespace iot::replay
