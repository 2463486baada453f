// The text canonicalizer (common/sign/canonical_text.cpp): Python's output
// for the golden cases, refusals of what Python cannot sign reproducibly,
// and its limits.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "python_golden.hpp"
#include "sign/canonical_json.hpp"

namespace iot::sign {
namespace {

using testing::kGolden;

TEST(CanonicalText, MatchesPythonGoldenCases) {
  for (const auto& [text, want] : kGolden) {
    auto got = canonical_json(std::string_view(text));
    ASSERT_TRUE(got.ok()) << text << ": " << got.error().message;
    EXPECT_EQ(*got, want) << text;
  }
}

TEST(CanonicalText, RefusesWhatPythonCannotSignReproducibly) {
  for (std::string bad : std::vector<std::string>{"", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{'a':1}", "NaN", "Infinity", "-Infinity",
                          "{\"a\":NaN}", "1e400", "-1e400", "01", "1.", ".5", "+1", "1e", "\"abc", "\"\\x\"",
                          "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"a\tb\"", "\"\xff\"",
                          "\"\xed\xa0\x80\"", "[1] x", "tru", "nul", "{\"a\":1}{}", std::string("\"a\0b\"", 5)}) {
    EXPECT_FALSE(canonical_json(std::string_view(bad)).ok()) << bad;
  }
}

TEST(CanonicalText, IntegerDigitLimitFollowsPython) {
  EXPECT_TRUE(canonical_json(std::string_view(std::string(4300, '7'))).ok());
  EXPECT_FALSE(canonical_json(std::string_view(std::string(4301, '7'))).ok());
}

TEST(CanonicalText, DeepNestingIsRefusedWithoutStackOverflow) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto r = canonical_json(std::string_view(deep));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::too_large);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  EXPECT_FALSE(canonical_json(std::string_view(objects)).ok());
  std::string ok_depth = std::string(200, '[') + std::string(200, ']');
  EXPECT_TRUE(canonical_json(std::string_view(ok_depth)).ok());
}

}  // namespace
}  // namespace iot::sign
