#include "resend/resend_topic.hpp"

#include <gtest/gtest.h>

namespace iot::resend {
namespace {

TEST(ResendTopic, PrefixIsTheTopicWithoutItsLastLevel) {
  EXPECT_EQ(topic_prefix("plant/P-1/telemetry"), "plant/P-1");
  EXPECT_EQ(topic_prefix("a/b"), "a");
  EXPECT_EQ(topic_prefix("single"), "");
  EXPECT_EQ(topic_prefix("a/"), "a");
}

TEST(ResendTopic, DefaultTemplateSitsBesideTheData) {
  auto t = resend_topic_for(default_topic_template, "plant/P-1/telemetry", nullptr);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(*t, "plant/P-1/resend");
  EXPECT_EQ(*resend_topic_for(default_topic_template, "telemetry", nullptr), "/resend");
}

TEST(ResendTopic, CapturesAndFieldsFillTheTemplate) {
  std::map<std::string, std::string> fields{{"device", "P-7"}, {"site", "detroit"}};
  auto t = resend_topic_for("ctl/{site}/{device}/resend", "plant/detroit/P-7/telemetry", &fields);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "ctl/detroit/P-7/resend");
}

TEST(ResendTopic, UnfillableOrWildcardTopicsAreRefused) {
  auto missing = resend_topic_for("ctl/{line}/resend", "plant/P-1/telemetry", nullptr);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().reason, "schema");
  std::map<std::string, std::string> fields{{"device", "+"}};
  auto wildcard = resend_topic_for("ctl/{device}", "plant/x/telemetry", &fields);
  ASSERT_FALSE(wildcard.ok());
  EXPECT_NE(wildcard.error().message.find("not a topic to publish to"), std::string::npos);
  std::map<std::string, std::string> empty{{"device", ""}};
  EXPECT_FALSE(resend_topic_for("{device}", "plant/x/telemetry", &empty).ok());
}

}  // namespace
}  // namespace iot::resend
