// Integers beyond 64 bits (common/codec/wide_integers.cpp): which literals
// are wide, the two texts the rewrite gives (simdjson reads the first; the
// second keeps every digit), member_text and member_tail.
#include "codec/wide_integers.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace iot::codec {
namespace {

TEST(WideIntegers, WhichLiteralsAreWide) {
  struct Case {
    const char* literal;
    bool wide;
  };
  const Case cases[] = {
      {"0", false},
      {"18446744073709551615", false},   // 2**64-1: simdjson's uint64
      {"18446744073709551616", true},    // 2**64
      {"-9223372036854775808", false},   // -2**63: int64
      {"-9223372036854775809", true},
      {"-18446744073709551615", true},   // -(2**64-1)
      {"1000000000000000000000000000000", true},
      {"99999999999999999999", true},    // 20 digits above 2**64-1
      {"1.0", false},
      {"1e30", false},                   // a float: simdjson reads it
      {"", false},
      {"-", false},
  };
  for (const Case& c : cases) EXPECT_EQ(is_wide_integer(c.literal), c.wide) << c.literal;
}

TEST(WideIntegers, RewritesForSimdjsonAndKeepsTheDigits) {
  std::string_view line =
      R"({"a": 18446744073709551616, "b": [1000000000000000000000000000000, -18446744073709551615], "s": "18446744073709551616 \" 1", "f": 1.5, "i": -3})";
  auto r = rewrite_wide_integers(line);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->integers.size(), 3u);
  EXPECT_EQ(r->integers[0].digits, "18446744073709551616");
  EXPECT_EQ(r->integers[0].value, 18446744073709551616.0);
  EXPECT_TRUE(is_exact_double(r->integers[0]));  // 2**64 is a double
  EXPECT_EQ(r->integers[1].digits, "1000000000000000000000000000000");
  EXPECT_EQ(r->integers[1].value, 1e30);
  EXPECT_FALSE(is_exact_double(r->integers[1]));  // 10**30 is not: 1000000000000000019884624838656
  EXPECT_EQ(r->integers[2].value, -18446744073709551615.0);
  EXPECT_FALSE(is_exact_double(r->integers[2]));
  EXPECT_EQ(r->exact,
            R"({"a":18446744073709551616,"b":[1000000000000000000000000000000,-18446744073709551615],"s":"18446744073709551616 \" 1","f":1.5,"i":-3})");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(r->for_simdjson).get(doc), simdjson::SUCCESS) << r->for_simdjson;
  EXPECT_EQ(double(doc["a"]), 18446744073709551616.0);
  EXPECT_EQ(double(doc["b"].at(0)), 1e30);
  EXPECT_EQ(std::string_view(doc["s"]), "18446744073709551616 \" 1");  // strings untouched
  EXPECT_EQ(int64_t(doc["i"]), -3);
}

TEST(WideIntegers, RefusesWhatIsNotAWideInteger) {
  for (const char* text : {R"({"a":1e400})", R"({"a":1})", R"({"a":"unterminated)",
                           "1" "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                           "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                           "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                           "000000000000000000000000000000"}) {
    auto r = rewrite_wide_integers(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().reason, "bad_json");
  }
}

TEST(WideIntegers, MemberText) {
  std::string_view obj = R"( { "hmac" : "x,}" , "payload" : {"a":[1,{"b":"}"}],"c":2} , "n": 18446744073709551616 } )";
  EXPECT_EQ(member_text(obj, "payload").value_or("?"), R"({"a":[1,{"b":"}"}],"c":2})");
  EXPECT_EQ(member_text(obj, "hmac").value_or("?"), R"("x,}")");
  EXPECT_EQ(member_text(obj, "n").value_or("?"), "18446744073709551616");
  EXPECT_FALSE(member_text(obj, "missing"));
  EXPECT_FALSE(member_text("[1]", "a"));
  EXPECT_EQ(member_text(R"({"a":1,"a":2})", "a").value_or("?"), "1");
  // As member_tail: an escaped key before the match might spell it, so no
  // answer (the caller then reads the parsed document, which takes the first).
  EXPECT_FALSE(member_text(R"({"p\u0061":1,"pa":2})", "pa"));
  EXPECT_EQ(member_text(R"({"pa":2,"p\u0061":1})", "pa").value_or("?"), "2");
}

// Brackets and quotes inside strings, after escapes (a backslash before a
// quote, and an escaped backslash before the closing quote), end nothing.
TEST(WideIntegers, MemberTextSkipsEscapedStrings) {
  std::string_view obj = R"({"payload":{"k":"a\"}]","m":["\\",{"n":"\\\"{"}]},"after":1})";
  EXPECT_EQ(member_text(obj, "payload").value_or("?"), R"({"k":"a\"}]","m":["\\",{"n":"\\\"{"}]})");
  EXPECT_FALSE(member_text(R"({"payload":{"k":"unterminated\"}})", "payload"));
  EXPECT_FALSE(member_text(R"({"payload":{"k":"ends in a backslash\)", "payload"));
  EXPECT_FALSE(member_text(R"({"payload":[1,{"a":2})", "payload"));
}

TEST(WideIntegers, LastMemberText) {
  EXPECT_EQ(last_member_text(R"({"topic":"t","payload":{"a":[1,"}"]}})", "payload").value_or("?"), R"({"a":[1,"}"]})");
  EXPECT_EQ(last_member_text(" { \"p\" : [1, 2] \t}\r\n", "p").value_or("?"), "[1, 2]");
  EXPECT_EQ(last_member_text(R"({"p":"x"})", "p").value_or("?"), R"("x")");
  EXPECT_FALSE(last_member_text(R"({"p":1)", "p"));  // no closing brace
  EXPECT_FALSE(last_member_text(R"({"q":1})", "p"));
  EXPECT_FALSE(last_member_text(R"({"p\u0061":1,"pa":2})", "pa"));  // as member_tail
}

TEST(WideIntegers, MemberTail) {
  std::string_view obj = R"( { "hmac" : "x\",}" , "payload" : {"a":[1,{"b":"}"}]} , "n": 1 } )";
  EXPECT_EQ(member_tail(obj, "payload").value_or("?"), R"({"a":[1,{"b":"}"}]} , "n": 1 } )");
  EXPECT_EQ(member_tail(obj, "n").value_or("?"), "1 } ");
  EXPECT_EQ(member_tail(obj, "hmac").value_or("?").substr(0, 6), std::string_view(R"("x\",})"));
  EXPECT_FALSE(member_tail(obj, "missing"));
  EXPECT_FALSE(member_tail("[1]", "a"));
  EXPECT_EQ(member_tail(R"({"a":1,"a":2})", "a").value_or("?"), "1,\"a\":2}");
  // An escaped key might spell the one asked for (a parser unescapes it): no answer.
  EXPECT_FALSE(member_tail(R"({"p\u0061":1,"pa":2})", "pa"));
  EXPECT_EQ(member_tail(R"({"pa":2,"p\u0061":1})", "pa").value_or("?"), R"(2,"p\u0061":1})");
}

}  // namespace
}  // namespace iot::codec
