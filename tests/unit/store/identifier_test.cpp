#include "store/identifier.hpp"

#include <gtest/gtest.h>

namespace iot::store {

TEST(Identifier, AcceptsPlainNames) {
  EXPECT_TRUE(checked_identifier("readings"));
  EXPECT_TRUE(checked_identifier("_t9"));
  EXPECT_TRUE(checked_identifier(std::string(63, 'a')));
}

TEST(Identifier, RefusesInjectionAndOddNames) {
  for (const char* bad : {"", "1abc", "readings; DROP TABLE x", "a\"b", "a-b", "tab le", "x'--"}) {
    auto r = checked_identifier(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "bad_identifier");
    EXPECT_EQ(r.error().kind, ErrorKind::usage);
  }
  EXPECT_FALSE(checked_identifier(std::string(64, 'a')));
}

TEST(Identifier, QuotesAndQualifies) {
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(qualified_name("", "readings"), "\"readings\"");
  EXPECT_EQ(qualified_name("iot", "readings"), "\"iot\".\"readings\"");
}

}  // namespace iot::store
