#include "codec/dom_parse.hpp"

#include <gtest/gtest.h>

#include <string>

namespace iot::codec::detail {
namespace {

TEST(DomParse, ParsesAndKeepsDocumentOrder) {
  auto root = dom_parse("{\"b\":1,\"a\":[true,\"x\"]}", 8);
  ASSERT_TRUE(root.ok());
  simdjson::dom::object obj;
  ASSERT_EQ(root->get_object().get(obj), simdjson::SUCCESS);
  std::string keys;
  for (auto field : obj) keys += std::string(field.key);
  EXPECT_EQ(keys, "ba");
}

TEST(DomParse, MaxDepthCountsNestedContainers) {
  EXPECT_TRUE(dom_parse("[[1]]", 2).ok());
  EXPECT_TRUE(dom_parse("{\"a\":{\"b\":null}}", 2).ok());
  auto deep = dom_parse("[[[1]]]", 2);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().reason, "bad_json");
  EXPECT_NE(deep.error().message.find("deeper than 2"), std::string::npos);
  EXPECT_TRUE(dom_parse("1", 0).ok());
}

TEST(DomParse, ReusableAfterABigDocumentAndATrim) {
  std::string big = "[";
  for (int i = 0; i < 300000; ++i) big += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
  big += "]";
  ASSERT_TRUE(dom_parse(big, 4).ok());
  dom_trim();
  auto small = dom_parse("{\"k\":2}", 4);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->at_key("k").get_int64().value(), 2);
  EXPECT_FALSE(dom_parse("{\"k\":", 4).ok());
  EXPECT_FALSE(dom_parse("\"\xff\"", 4).ok());
}

}  // namespace
}  // namespace iot::codec::detail
