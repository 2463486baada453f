#include "sign/canonical_json.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sign/canonical_writer.hpp"

namespace iot::sign {
namespace {

// {input text, what python3's json.dumps(json.loads(text), separators=(",",":"),
// sort_keys=True) printed for it} (generated once with python3, pasted here).
const std::vector<std::pair<std::string, std::string>> kGolden = {
    {"{\"b\":1,\"a\":2}", "{\"a\":2,\"b\":1}"},
    {"{\"z\": {\"y\": [3, 2, {\"b\": null, \"a\": true}]}, \"a\": false}", "{\"a\":false,\"z\":{\"y\":[3,2,{\"a\":true,\"b\":null}]}}"},
    {"{\"a\":1,\"a\":2}", "{\"a\":2}"},
    {"{\"a\":{\"x\":1},\"b\":0,\"a\":[1]}", "{\"a\":[1],\"b\":0}"},
    {"[]", "[]"},
    {"{}", "{}"},
    {"[{}, []]", "[{},[]]"},
    {"123456789012345678901234567890", "123456789012345678901234567890"},
    {"-123456789012345678901234567890", "-123456789012345678901234567890"},
    {"-0", "0"},
    {"0", "0"},
    {"1.0", "1.0"},
    {"1E5", "100000.0"},
    {"1e5", "100000.0"},
    {"1.50", "1.5"},
    {"-0.0", "-0.0"},
    {"0e0", "0.0"},
    {"1e-400", "0.0"},
    {"-1e-400", "-0.0"},
    {"2.5E-3", "0.0025"},
    {"1e16", "1e+16"},
    {"1E+2", "100.0"},
    {"12345678901234567890.5", "1.2345678901234567e+19"},
    {"\"\\u00e9\\ud83d\\ude00\"", "\"\\u00e9\\ud83d\\ude00\""},
    {"\"\xc3""\xa9""\xf0""\x9f""\x98""\x80""\"", "\"\\u00e9\\ud83d\\ude00\""},
    {"\"a\\/b\"", "\"a/b\""},
    {"\"\\u007f\x7f""\"", "\"\\u007f\\u007f\""},
    {"{\"\xc3""\xa9""\":1,\"z\":2,\"\xf0""\x9f""\x98""\x80""\":3,\"\xef""\xbf""\xbf""\":4}", "{\"z\":2,\"\\u00e9\":1,\"\\uffff\":4,\"\\ud83d\\ude00\":3}"},
    {"  {\"k\" : [ 1 , 2 ] }  ", "{\"k\":[1,2]}"},
    {"\"\\t\\n\\u0001\"", "\"\\t\\n\\u0001\""},
    {"true", "true"},
    {"null", "null"},
    {"{\"\": \"\"}", "{\"\":\"\"}"},
    {"9223372036854775808", "9223372036854775808"},
    {"-9223372036854775809", "-9223372036854775809"},
    {"18446744073709551616", "18446744073709551616"},
    {"{\"temperature\": 20.52, \"humidity\": 60.64, \"ts\": 1759384453, \"ts_ns\": 920529791}", "{\"humidity\":60.64,\"temperature\":20.52,\"ts\":1759384453,\"ts_ns\":920529791}"},
};

TEST(CanonicalText, MatchesPythonGoldenCases) {
  for (const auto& [text, want] : kGolden) {
    auto got = canonical_json(std::string_view(text));
    ASSERT_TRUE(got.ok()) << text << ": " << got.error().message;
    EXPECT_EQ(*got, want) << text;
  }
}

TEST(CanonicalDom, MatchesPythonGoldenCasesWithinSimdjsonRange) {
  simdjson::dom::parser parser;
  int compared = 0;
  for (const auto& [text, want] : kGolden) {
    simdjson::dom::element doc;
    if (parser.parse(text).get(doc) != simdjson::SUCCESS) continue;  // big integers, 1e-400
    auto got = canonical_json(doc);
    ASSERT_TRUE(got.ok()) << text;
    EXPECT_EQ(*got, want) << text;
    ++compared;
  }
  EXPECT_GT(compared, 25);
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

TEST(CanonicalDom, DeepNestingIsRefused) {
  simdjson::dom::parser parser;
  std::string deep = std::string(900, '[') + std::string(900, ']');
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(deep).get(doc), simdjson::SUCCESS);
  EXPECT_FALSE(canonical_json(doc).ok());
}

TEST(CanonicalDom, AppendsToACallersBufferAndReusesScratch) {
  simdjson::dom::parser parser;
  std::string out = "prefix:";
  simdjson::dom::element doc = parser.parse(std::string(R"({"b":{"d":1,"c":2},"a":[{"y":1,"x":2}]})"));
  for (int i = 0; i < 3; ++i) {
    out.resize(7);
    ASSERT_TRUE(append_canonical_json(out, doc));
    EXPECT_EQ(out, R"(prefix:{"a":[{"x":2,"y":1}],"b":{"c":2,"d":1}})");
  }
}

TEST(CanonicalDom, DuplicateKeysLastWins) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(std::string(R"({"a":1,"b":2,"a":3,"a":{"z":0}})"));
  EXPECT_EQ(canonical_json(doc).value(), R"({"a":{"z":0},"b":2})");
}

}  // namespace
}  // namespace iot::sign
