#include <gtest/gtest.h>

#include "topic/pattern.hpp"

namespace iot::topic {
namespace {

TEST(TopicTemplate, FillsNamesFromMap) {
  auto t = TopicTemplate::parse("plant/{device_id}/telemetry");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->names(), std::vector<std::string>{"device_id"});
  auto topic = t->fill_map({{"device_id", "P-007"}});
  ASSERT_TRUE(topic) << topic.error().message;
  EXPECT_EQ(*topic, "plant/P-007/telemetry");
}

TEST(TopicTemplate, FillTakesAnyLookup) {
  auto t = TopicTemplate::parse("{site}/{line}/x");
  auto a = t->fill([](std::string_view name) -> std::optional<std::string> { return std::string(name) + "1"; });
  EXPECT_EQ(*a, "site1/line1/x");
  auto b = t->fill([](std::string_view name) -> std::optional<std::string_view> {
    return name == "site" ? std::optional<std::string_view>("S") : std::optional<std::string_view>("L");
  });
  EXPECT_EQ(*b, "S/L/x");
  std::string value = "v";
  auto c = t->fill([&](std::string_view) -> const std::string* { return &value; });
  EXPECT_EQ(*c, "v/v/x");
}

TEST(TopicTemplate, RefusesInjection) {
  auto t = TopicTemplate::parse("plant/{device_id}/telemetry");
  for (std::string bad : std::vector<std::string>{"a/b", "+", "#", "dev#1", std::string("a\0b", 3), ""}) {
    auto r = t->fill_map({{"device_id", bad}});
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().reason, "schema");
    }
  }
  EXPECT_FALSE(t->fill_map({}));  // missing name
  EXPECT_FALSE(t->fill_map({{"device_id", "\xff\xfe"}}));  // not UTF-8
}

TEST(TopicTemplate, BracesEscapeAndFixedTopics) {
  auto t = TopicTemplate::parse("a/{{literal}}/{x}");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t->fill_map({{"x", "1"}}), "a/{literal}/1");
  auto fixed = TopicTemplate::parse("sensors/temp");
  EXPECT_TRUE(fixed->is_fixed());
  EXPECT_EQ(*fixed->fill_map({}), "sensors/temp");
}

TEST(TopicTemplate, RefusesBadTemplates) {
  for (const char* bad : {"", "a/{x", "a/x}", "a/{}", "a/+/{x}", "a/#", "a/{x y}"}) {
    auto t = TopicTemplate::parse(bad);
    EXPECT_FALSE(t) << bad;
  }
}

}  // namespace
}  // namespace iot::topic
