#include "iot-sub/key_dict.hpp"

#include <gtest/gtest.h>

using iot::sub::KeyDictionary;

TEST(KeyDictionary, ExpandsIndicesAtAnyDepth) {
  auto d = KeyDictionary::parse(R"({"0":"device_id","1":"temp","2":"v"})");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d->expand(R"({"0":"P-1","1":{"2":3},"x":[{"2":4}]})"),
            R"({"device_id":"P-1","temp":{"v":3},"x":[{"v":4}]})");
}

TEST(KeyDictionary, ArrayForm) {
  auto d = KeyDictionary::parse(R"(["a","b"])");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d->expand(R"({"1":true,"9":null})"), R"({"9":null,"b":true})");
}

TEST(KeyDictionary, RefusesBadFiles) {
  EXPECT_FALSE(KeyDictionary::parse("nope").ok());
  EXPECT_FALSE(KeyDictionary::parse(R"({"a":"b"})").ok());
  EXPECT_FALSE(KeyDictionary::parse(R"({"0":1})").ok());
  EXPECT_FALSE(KeyDictionary::load("/nonexistent/dict.json").ok());
}
