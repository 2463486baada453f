#include "mqtt/properties.hpp"

#include <gtest/gtest.h>
#include <mosquitto.h>

using iot::mqtt::Properties;

TEST(Properties, RoundTripThroughLibmosquitto) {
  Properties p;
  p.content_type = "application/json";
  p.user = {{"site", "P-7"}, {"line", "2"}};
  p.message_expiry = 3600;
  p.response_topic = "reply/here";
  p.correlation_data = std::string("\x00\x01\xff", 3);
  auto list = iot::mqtt::to_property_list(p);
  ASSERT_TRUE(list.ok());
  Properties back = iot::mqtt::from_property_list(list->get());
  EXPECT_EQ(back.content_type, p.content_type);
  EXPECT_EQ(back.user, p.user);
  EXPECT_EQ(back.message_expiry, p.message_expiry);
  EXPECT_EQ(back.response_topic, p.response_topic);
  EXPECT_EQ(back.correlation_data, p.correlation_data);
}

TEST(Properties, JsonHasTheEnvelopeNames) {
  Properties p;
  p.content_type = "text/plain";
  p.user = {{"k", "v\"q"}};
  p.message_expiry = 5;
  p.correlation_data = "ab";
  EXPECT_EQ(iot::mqtt::properties_json(p),
            R"({"content_type":"text/plain","user":{"k":"v\"q"},"message_expiry":5,"correlation_b64":"YWI="})");
}

TEST(Properties, EmptyIsEmpty) {
  EXPECT_TRUE(Properties{}.empty());
  EXPECT_EQ(iot::mqtt::properties_json(Properties{}), "");
  auto list = iot::mqtt::to_property_list(Properties{});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->get(), nullptr);
}

TEST(PropertiesJsonCache, GivesTheTextOfTheLatestProperties) {
  iot::mqtt::PropertiesJsonCache cache;
  Properties json_type;
  json_type.content_type = "application/json";
  EXPECT_EQ(cache.text(json_type), R"({"content_type":"application/json"})");
  EXPECT_EQ(cache.text(json_type), R"({"content_type":"application/json"})");
  Properties with_user = json_type;
  with_user.user = {{"k", "v"}};
  EXPECT_EQ(cache.text(with_user), R"({"content_type":"application/json","user":{"k":"v"}})");
  EXPECT_EQ(cache.text(Properties{}), "");
  EXPECT_EQ(cache.text(json_type), R"({"content_type":"application/json"})");
}
