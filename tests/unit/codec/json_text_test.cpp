#include "codec/json_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace iot::codec {
namespace {

TEST(Utf8, ValidAndInvalidSequences) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));                  // truncated
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));              // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));          // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));      // above U+10FFFF
}

TEST(MinifyJson, RemovesWhitespaceKeepsNumbersAndStrings) {
  auto r = minify_json("{ \"a\" : [ 1 , 2.50 , 1e3 ],\n \"b\" : \"x  y\\n\" ,\"c\":null }");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "{\"a\":[1,2.50,1e3],\"b\":\"x  y\\n\",\"c\":null}");
  EXPECT_EQ(minify_json(" 42 ").value(), "42");
  EXPECT_EQ(minify_json("\"s\"").value(), "\"s\"");
}

TEST(MinifyValidJson, CopiesTextWithoutWhitespaceAndStripsTheRest) {
  EXPECT_EQ(minify_valid_json(R"({"a":[1,2.50],"b":"x"})"), R"({"a":[1,2.50],"b":"x"})");
  EXPECT_EQ(minify_valid_json("{ \"a\" :\t[ 1 ,\r\n 2.50 ], \"b\" : \"x  y\" }"), R"({"a":[1,2.50],"b":"x  y"})");
  EXPECT_EQ(minify_valid_json("\"in a string\""), "\"in a string\"");
}

TEST(MinifyJson, RefusesInvalidJson) {
  for (const char* bad : {"", "{", "{\"a\":}", "[1,]", "{'a':1}", "[1] x", "nul", "\"\x01\"", "{\"a\":1}}"}) {
    auto r = minify_json(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().reason, "bad_json");
    }
  }
  EXPECT_FALSE(minify_json("{\"a\":\"\xff\"}").ok());
}

TEST(MinifyJson, DepthCapRefusesDeepNestingQuickly) {
  // max_depth counts nested containers, as msgpack_to_json does.
  std::string ok_depth = std::string(256, '[') + "1" + std::string(256, ']');
  EXPECT_TRUE(minify_json(ok_depth, 256).ok());
  EXPECT_FALSE(minify_json(std::string(257, '[') + "1" + std::string(257, ']'), 256).ok());
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto r = minify_json(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("deeper"), std::string::npos) << r.error().message;
  // The parser's depth setting does not leak between calls.
  EXPECT_TRUE(minify_json("[[[1]]]", 3).ok());
  EXPECT_FALSE(minify_json("[[[[1]]]]", 3).ok());
  EXPECT_TRUE(minify_json("{\"a\":{\"b\":[1]}}", 3).ok());
  EXPECT_FALSE(minify_json("{\"a\":{\"b\":[[1]]}}", 3).ok());
}

TEST(AppendJsonString, EscapesQuotesAndControlsKeepsUtf8) {
  std::string out = "x";
  ASSERT_TRUE(append_json_string(out, "a\"b\\c\n\t\x01\x1f\x7f \xc3\xbc").ok());
  EXPECT_EQ(out, "x\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\x7f \xc3\xbc\"");
  auto valid = minify_json(out.substr(1));
  EXPECT_TRUE(valid.ok());
}

TEST(AppendJsonString, RefusesInvalidUtf8) {
  std::string out;
  auto s = append_json_string(out, "bad \xff");
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace iot::codec

TEST(MinifyJson, KeepsIntegersBeyond64BitsDigitForDigit) {
  auto m = iot::codec::minify_json("{ \"a\" : 18446744073709551616 , \"b\": [ -1000000000000000000000000000000 ] }");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(*m, R"({"a":18446744073709551616,"b":[-1000000000000000000000000000000]})");
  EXPECT_FALSE(iot::codec::minify_json(R"({"a":18446744073709551616,})").ok());  // still bad JSON
  EXPECT_FALSE(iot::codec::minify_json(R"({"a":1e400})").ok());                  // a double out of range
}
