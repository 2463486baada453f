// Lossy JSON strings (common/stream/json_escape.cpp): valid UTF-8 kept,
// each invalid byte one U+FFFD, so a reject record is always valid JSON.
#include "stream/json_escape.hpp"

#include <gtest/gtest.h>

namespace iot::stream::detail {
namespace {

TEST(Utf8SequenceLength, TableOfLeadBytes) {
  struct Row {
    std::string bytes;
    std::size_t length;
  } rows[] = {
      {"a", 1},
      {"\x7f", 1},
      {"\xc3\xa9", 2},          // é
      {"\xc3", 0},              // cut short
      {"\xc0\x80", 0},          // overlong NUL
      {"\xc1\xbf", 0},          // overlong
      {"\xe2\x82\xac", 3},      // €
      {"\xe0\x80\x80", 0},      // overlong 3-byte
      {"\xed\xa0\x80", 0},      // a UTF-16 surrogate
      {"\xed\x9f\xbf", 3},      // U+D7FF, just below the surrogates
      {"\xf0\x9f\x98\x80", 4},  // 😀
      {"\xf0\x80\x80\x80", 0},  // overlong 4-byte
      {"\xf4\x8f\xbf\xbf", 4},  // U+10FFFF
      {"\xf4\x90\x80\x80", 0},  // above U+10FFFF
      {"\xf5\x80\x80\x80", 0},
      {"\x80", 0},              // a continuation byte alone
      {"\xff", 0},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(utf8_sequence_length(row.bytes), row.length) << ::testing::PrintToString(row.bytes);
  }
}

TEST(AppendJsonStringLossy, InvalidBytesBecomeReplacementCharacters) {
  struct Row {
    std::string in, out;
  } rows[] = {
      {"plain", R"("plain")"},
      {"quote \" and \\", R"("quote \" and \\")"},
      {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
      {"a\xff" "b", R"("a\ufffdb")"},
      {"\xff\xfe", R"("\ufffd\ufffd")"},
      {"ok\xc3", R"("ok\ufffd")"},                 // cut at the end
      {"\xed\xa0\x80x", R"("\ufffd\ufffd\ufffdx")"},  // a surrogate: three bytes, three replacements
      {"\"\xff\n", R"("\"\ufffd\n")"},              // escapes still apply around it
  };
  for (const auto& row : rows) {
    std::string out = "[";
    append_json_string_lossy(out, row.in);
    EXPECT_EQ(out, "[" + row.out) << ::testing::PrintToString(row.in);
  }
}

}  // namespace
}  // namespace iot::stream::detail
