#include "store/pubsub_target.hpp"

#include <gtest/gtest.h>

namespace iot::store {
namespace {

TEST(PubsubTarget, EmulatorHostMeansPlainHttp) {
  auto t = parse_pubsub_url("pubsub://my-project/kpi-events", "127.0.0.1:8085");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->project, "my-project");
  EXPECT_EQ(t->topic, "kpi-events");
  EXPECT_TRUE(t->emulator);
  EXPECT_EQ(t->topic_url(), "http://127.0.0.1:8085/v1/projects/my-project/topics/kpi-events");
  EXPECT_NE(t->describe().find("emulator"), std::string::npos);
}

TEST(PubsubTarget, WithoutEmulatorGoesToGoogle) {
  for (const char* host : {static_cast<const char*>(nullptr), ""}) {
    auto t = parse_pubsub_url("pubsub://example.com:proj/t.1~x", host);
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_FALSE(t->emulator);
    EXPECT_EQ(t->topic_url(), "https://pubsub.googleapis.com/v1/projects/example.com:proj/topics/t.1~x");
  }
}

TEST(PubsubTarget, RefusesWhatPubSubRefuses) {
  for (const char* url : {"pubsub://", "pubsub://proj", "pubsub:///topic", "pubsub://proj/ab", "pubsub://proj/1abc",
                          "pubsub://proj/goog-topic", "pubsub://proj/a b c", "pubsub://proj/abc/def",
                          "pubsub://pr oj/topic", "pubsub:proj/topic"}) {
    auto t = parse_pubsub_url(url, nullptr);
    ASSERT_FALSE(t) << url;
    EXPECT_EQ(t.error().reason, "bad_url") << url;
  }
  EXPECT_FALSE(parse_pubsub_url("pubsub://p/topic", "http://127.0.0.1:8085"));  // host:port, not a URL
  EXPECT_TRUE(parse_pubsub_url("pubsub://p/" + std::string(255, 'a'), nullptr));
  EXPECT_FALSE(parse_pubsub_url("pubsub://p/" + std::string(256, 'a'), nullptr));
}

}  // namespace
}  // namespace iot::store
