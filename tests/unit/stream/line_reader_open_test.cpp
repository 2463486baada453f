// Format sniffing for LineReader::open (common/stream/line_reader_open.cpp).
#include "stream/compressed_reader.hpp"

#include <gtest/gtest.h>

namespace iot::stream::detail {
namespace {

TEST(SniffFormat, MagicNumbersAndPrefixes) {
  EXPECT_EQ(sniff_format("\x1f\x8b\x08").format, InputFormat::gzip);
  EXPECT_EQ(sniff_format(std::string_view("\x04\x22\x4d\x18", 4)).format, InputFormat::lz4);
  EXPECT_EQ(sniff_format("{\"a\"").format, InputFormat::plain);
  EXPECT_FALSE(sniff_format("{").need_more);  // a JSON line decides at once
  EXPECT_TRUE(sniff_format("").need_more);
  EXPECT_TRUE(sniff_format("\x1f").need_more);
  EXPECT_TRUE(sniff_format(std::string_view("\x04\x22", 2)).need_more);
  EXPECT_EQ(sniff_format("\x1f\x8c").format, InputFormat::plain);
  EXPECT_EQ(sniff_format(std::string_view("\x04\x22\x4d\x19", 4)).format, InputFormat::plain);
  EXPECT_EQ(sniff_format("\x78\x9c").format, InputFormat::plain);  // bare zlib is not a recording format
}

}  // namespace
}  // namespace iot::stream::detail
