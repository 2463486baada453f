#include "iot-pub/raw_input.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <utility>
#include <vector>

namespace iot::pub {
namespace {

std::string write_file(const std::string& name, const std::string& bytes) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::vector<std::pair<std::string, bool>> lines_of(const std::string& bytes, std::size_t max = 100) {
  std::vector<std::pair<std::string, bool>> out;
  auto st = for_each_raw_line(write_file("raw_lines", bytes), max, [&](std::string_view line, bool too_long) {
    out.emplace_back(std::string(line), too_long);
    return true;
  });
  EXPECT_TRUE(st);
  return out;
}

TEST(RawInput, LinesAreTheBytesBetweenNewlines) {
  using L = std::vector<std::pair<std::string, bool>>;
  EXPECT_EQ(lines_of("a\n\nb\r\n"), (L{{"a", false}, {"", false}, {"b\r", false}}));
  EXPECT_EQ(lines_of("no newline"), (L{{"no newline", false}}));
  EXPECT_EQ(lines_of(std::string("n\0l\n", 4)), (L{{std::string("n\0l", 3), false}}));
  EXPECT_EQ(lines_of(""), L{});
  EXPECT_EQ(lines_of("\n"), (L{{"", false}}));
  // Too long: handed over empty and marked, the next line is whole again.
  EXPECT_EQ(lines_of("12345678\nok\n123456789", 8), (L{{"12345678", false}, {"ok", false}, {"", true}}));
  // Lines across read(2) chunks are put together.
  std::string big(100000, 'x');
  auto long_lines = lines_of(big + "\n" + big, 200000);
  ASSERT_EQ(long_lines.size(), 2u);
  EXPECT_EQ(long_lines[0].first, big);
  EXPECT_EQ(long_lines[1].first, big);
}

TEST(RawInput, WholeFile) {
  std::string bytes = std::string("\x00\xff\n\r", 4) + std::string(70000, 'b');
  auto whole = read_whole_input(write_file("raw_whole", bytes), 1u << 20);
  ASSERT_TRUE(whole);
  EXPECT_EQ(*whole, bytes);
  auto too_big = read_whole_input(write_file("raw_big", bytes), 1000);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().kind, ErrorKind::too_large);
  auto missing = read_whole_input(::testing::TempDir() + "raw_missing", 1000);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("raw_missing: cannot open"), std::string::npos) << missing.error().message;
}

}  // namespace
}  // namespace iot::pub
