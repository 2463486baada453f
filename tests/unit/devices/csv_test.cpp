#include "devices/csv.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace iot::devices {
namespace {

struct CsvCase {
  const char* name;
  std::string text;
  std::vector<CsvRecord> want;
};

TEST(Csv, ParsesRfc4180) {
  const std::vector<CsvCase> cases = {
      {"plain", "a,b\n1,2\n", {{"a", "b"}, {"1", "2"}}},
      {"crlf", "a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}}},
      {"no final newline", "a,b\n1,2", {{"a", "b"}, {"1", "2"}}},
      {"quoted comma", "a,\"x, y\"\n", {{"a", "x, y"}}},
      {"doubled quote", "\"say \"\"hi\"\"\",b\n", {{"say \"hi\"", "b"}}},
      {"line break inside quotes", "\"two\r\nlines\",b\n", {{"two\r\nlines", "b"}}},
      {"empty fields", ",,\n", {{"", "", ""}}},
      {"empty quoted field", "\"\"\n", {{""}}},
      {"blank lines skipped", "a\n\n\r\nb\n", {{"a"}, {"b"}}},
      {"byte order mark", "\xEF\xBB\xBF" "device_id\nP-1\n", {{"device_id"}, {"P-1"}}},
      {"utf-8 kept", "caf\xC3\xA9,\xE2\x84\x83\n", {{"caf\xC3\xA9", "\xE2\x84\x83"}}},
      {"lone CR is text", "a\rb\n", {{"a\rb"}}},
      {"trailing comma", "a,\n", {{"a", ""}}},
      {"nothing", "", {}},
  };
  for (const auto& c : cases) {
    auto got = parse_csv(c.text);
    ASSERT_TRUE(got.ok()) << c.name << ": " << got.error().message;
    EXPECT_EQ(*got, c.want) << c.name;
  }
}

TEST(Csv, RefusesMalformedTextNamingTheLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a\n\"open", "line 2: a quoted field is not closed"},
      {"a\n\"x\"y\n", "line 2: text after a closing quote"},
      {"a\nb\"c\n", "line 2: a quote inside an unquoted field"},
      {std::string("a\nb\0c\n", 6), "line 2: a NUL byte"},
      {"\"a\nb\nc\"\"d", "line 1: a quoted field is not closed"},
  };
  for (const auto& [text, want] : cases) {
    auto got = parse_csv(text);
    ASSERT_FALSE(got.ok()) << text;
    EXPECT_EQ(got.error().reason, "bad_csv");
    EXPECT_NE(got.error().message.find(want), std::string::npos) << got.error().message;
  }
}

}  // namespace
}  // namespace iot::devices
