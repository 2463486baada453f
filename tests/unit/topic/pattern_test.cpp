#include "topic/pattern.hpp"

#include <gtest/gtest.h>

namespace iot::topic {
namespace {

const char* kSeedPattern = "i/{tenant:b64hex}/a/{agent:b64uuid}/endpoints/{protocol}";

TEST(TopicPattern, SeedTopicDecodesIntoFields) {
  auto p = TopicPattern::parse(kSeedPattern);
  ASSERT_TRUE(p) << p.error().message;
  auto m = p->match("i/ASNFZ4mr/a/Ej5FZ-ibEtOkVkJmFBdAAA/endpoints/modbus");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->fields.at("tenant"), "0123456789ab");
  EXPECT_EQ(m->fields.at("agent"), "123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(m->fields.at("protocol"), "modbus");
  EXPECT_TRUE(m->field_errors.empty());
}

TEST(TopicPattern, UndecodableCaptureKeepsRawTextAndIsListed) {
  auto p = TopicPattern::parse(kSeedPattern);
  auto m = p->match("i/not-b64!/a/Ej5FZ-ibEtOkVkJmFBdAAA/endpoints/opcua");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->fields.at("tenant"), "not-b64!");
  ASSERT_EQ(m->field_errors.size(), 1u);
  EXPECT_EQ(m->field_errors[0], "tenant");
  EXPECT_EQ(m->fields.at("agent"), "123e4567-e89b-12d3-a456-426614174000");
}

TEST(TopicPattern, LiteralsAndLevelCountMustMatch) {
  auto p = TopicPattern::parse(kSeedPattern);
  EXPECT_FALSE(p->match("i/ASNFZ4mr/a/Ej5FZ-ibEtOkVkJmFBdAAA/state"));
  EXPECT_FALSE(p->match("i/ASNFZ4mr/a/Ej5FZ-ibEtOkVkJmFBdAAA/endpoints"));
  EXPECT_FALSE(p->match("i/ASNFZ4mr/a/Ej5FZ-ibEtOkVkJmFBdAAA/endpoints/modbus/extra"));
  EXPECT_FALSE(p->match("x/ASNFZ4mr/a/Ej5FZ-ibEtOkVkJmFBdAAA/endpoints/modbus"));
}

TEST(TopicPattern, FilterReplacesCapturesWithPlus) {
  EXPECT_EQ(TopicPattern::parse(kSeedPattern)->filter(), "i/+/a/+/endpoints/+");
  EXPECT_EQ(TopicPattern::parse("plant/{device}/#")->filter(), "plant/+/#");
  auto names = TopicPattern::parse(kSeedPattern)->names();
  EXPECT_EQ(names, (std::vector<std::string>{"tenant", "agent", "protocol"}));
}

TEST(TopicPattern, Wildcards) {
  auto p = TopicPattern::parse("FCTS/FAE/{site}/+/#");
  ASSERT_TRUE(p);
  auto m = p->match("FCTS/FAE/S01/SolvExtract/TI-101/PV");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->fields.at("site"), "S01");
  EXPECT_TRUE(p->match("FCTS/FAE/S01/SolvExtract"));  // '#' matches the parent level too
  EXPECT_FALSE(p->match("FCTS/FAE/S01"));
  auto all = TopicPattern::parse("#");
  EXPECT_TRUE(all->match("a/b/c"));
  EXPECT_FALSE(all->match("$SYS/broker/uptime"));  // MQTT: wildcards skip $ topics
  EXPECT_TRUE(TopicPattern::parse("$SYS/#")->match("$SYS/broker/uptime"));
}

TEST(TopicPattern, EmptyLevelsAreLevels) {
  auto p = TopicPattern::parse("a/{x}/b");
  auto m = p->match("a//b");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->fields.at("x"), "");
}

TEST(TopicPattern, RefusesBadPatterns) {
  for (const char* bad : {"", "a/#/b", "a/b+/c", "a/{x}y/c", "a/{}/b", "a/{x:hex}/b", "a/{x}/{x}",
                          "a/{x y}/b", "a/#x"}) {
    auto p = TopicPattern::parse(bad);
    EXPECT_FALSE(p) << bad;
    if (!p) {
      EXPECT_EQ(p.error().kind, ErrorKind::usage);
    }
  }
}

}  // namespace
}  // namespace iot::topic
