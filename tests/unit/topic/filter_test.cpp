#include <gtest/gtest.h>

#include "topic/pattern.hpp"

namespace iot::topic {
namespace {

TEST(FilterMatches, MqttRules) {
  struct Case {
    const char* filter;
    const char* topic;
    bool expected;
  };
  for (auto c : {Case{"a/b", "a/b", true}, Case{"a/b", "a/c", false}, Case{"a/+", "a/b", true},
                 Case{"a/+", "a/b/c", false}, Case{"a/+", "a", false}, Case{"a/#", "a", true},
                 Case{"a/#", "a/b/c", true}, Case{"#", "a", true}, Case{"#", "$SYS/x", false},
                 Case{"+/b", "$SYS/b", false}, Case{"$SYS/#", "$SYS/x", true}, Case{"+", "", false},
                 Case{"a/+/c", "a//c", true}, Case{"+/+", "/x", true}, Case{"a/b", "a/b/", false},
                 Case{"a/b/", "a/b/", true}, Case{"sport/tennis/#", "sport/tennis/player1/ranking", true},
                 Case{"sport/+", "sport/", true}}) {
    EXPECT_EQ(filter_matches(c.filter, c.topic), c.expected) << c.filter << " vs " << c.topic;
  }
}

TEST(ValidateTopicName, RefusesWildcardsNulEmptyAndBadUtf8) {
  EXPECT_TRUE(validate_topic_name("plant/P-007/telemetry"));
  EXPECT_TRUE(validate_topic_name("capteurs/température"));
  EXPECT_FALSE(validate_topic_name(""));
  EXPECT_FALSE(validate_topic_name("a/+/b"));
  EXPECT_FALSE(validate_topic_name("a/#"));
  EXPECT_FALSE(validate_topic_name(std::string_view("a\0b", 3)));
  EXPECT_FALSE(validate_topic_name("a/\xc3("));
  EXPECT_FALSE(validate_topic_name(std::string(65536, 'a')));
}

TEST(ValidateTopicFilter, WildcardPlacement) {
  EXPECT_TRUE(validate_topic_filter("a/+/#"));
  EXPECT_TRUE(validate_topic_filter("#"));
  EXPECT_FALSE(validate_topic_filter("a/#/b"));
  EXPECT_FALSE(validate_topic_filter("a/b#"));
  EXPECT_FALSE(validate_topic_filter("a+/b"));
  EXPECT_FALSE(validate_topic_filter(""));
}

}  // namespace
}  // namespace iot::topic
