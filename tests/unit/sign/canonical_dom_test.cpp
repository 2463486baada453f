// The DOM canonicalizer (common/sign/canonical_dom.cpp): the golden cases
// within simdjson's range, its limits, and key ordering against a plain
// byte-wise sort: keys sharing 8-byte prefixes, shorter than 8 bytes, with
// NUL and non-ASCII bytes (the comparison goes through a packed prefix first).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "sign/canonical_json.hpp"
#include "sign/canonical_writer.hpp"
#include "sign/python_json.hpp"
#include "python_golden.hpp"

namespace iot::sign {
namespace {

std::string object_of(const std::vector<std::string>& keys) {
  std::string json = "{";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) json += ',';
    append_python_string(json, keys[i]);
    json += ':' + std::to_string(i);
  }
  return json + '}';
}

// What Python prints: keys sorted by code point (= UTF-8 byte order).
std::string expected_canonical(std::vector<std::string> keys) {
  std::vector<std::pair<std::string, std::size_t>> members;
  for (std::size_t i = 0; i < keys.size(); ++i) members.emplace_back(keys[i], i);
  std::sort(members.begin(), members.end());
  std::string out = "{";
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i) out += ',';
    append_python_string(out, members[i].first);
    out += ':' + std::to_string(members[i].second);
  }
  return out + '}';
}

TEST(CanonicalDomOrder, MatchesByteWiseSortOnTrickyKeys) {
  const std::vector<std::string> keys = {"",         "a",         std::string("a\0", 2), std::string("a\0b", 3),
                                         "ab",       "abc",       "abcd",                "abcde",
                                         "abcdefg",  "abcdefgh",  "abcdefgh\x01",        "abcdefghi",
                                         "abcdefgi", "abcdefg\x7f", "b",                 "\xc3\xa9t\xc3\xa9",
                                         "\xe2\x82\xac", "z",     "zz",                  "zzzz"};
  simdjson::dom::parser parser;
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> shuffled = keys;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    std::string json = object_of(shuffled);
    std::string out;
    ASSERT_TRUE(append_canonical_json(out, parser.parse(json).value()));
    EXPECT_EQ(out, expected_canonical(shuffled)) << json;
  }
}

TEST(CanonicalDomOrder, RandomShortKeysSortLikeBytes) {
  simdjson::dom::parser parser;
  std::mt19937 rng(7);
  const std::string alphabet("\x00\x01" "ab~\x7f", 6);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> keys;
    while (keys.size() < 12) {
      std::string k;
      for (std::size_t n = rng() % 11; n > 0; --n) k += alphabet[rng() % alphabet.size()];
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
    std::string out;
    ASSERT_TRUE(append_canonical_json(out, parser.parse(object_of(keys)).value()));
    EXPECT_EQ(out, expected_canonical(keys));
  }
}

TEST(CanonicalDomOrder, NestedObjectsKeepTheirOwnMembers) {
  simdjson::dom::parser parser;
  const std::string json = R"({"b":{"y":{"q":1,"p":2},"x":[{"d":1,"c":2}]},"a":{"k":0},"b2":3})";
  std::string out;
  ASSERT_TRUE(append_canonical_json(out, parser.parse(json).value()));
  EXPECT_EQ(out, R"({"a":{"k":0},"b":{"x":[{"c":2,"d":1}],"y":{"p":2,"q":1}},"b2":3})");
}

using testing::kGolden;

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
