#include "iot-pub/message_builder.hpp"

#include <gtest/gtest.h>

#include "codec/msgpack.hpp"
#include "codec/zlib.hpp"

using iot::pub::BuildSettings;
using iot::pub::MessageBuilder;

namespace {
MessageBuilder make(BuildSettings s) {
  auto seq = std::make_shared<std::map<std::string, std::int64_t>>();
  return MessageBuilder(std::move(s), [seq](std::string_view dev) -> iot::Result<std::int64_t> {
    return ++(*seq)[std::string(dev)];
  });
}
BuildSettings with_template(const char* t) {
  BuildSettings s;
  s.topic_template = *iot::topic::TopicTemplate::parse(t);
  return s;
}
}  // namespace

TEST(MessageBuilder, BarePayloadTopicFromTemplate) {
  auto b = make(with_template("plant/{device_id}/{n}"));
  auto e = b.build(R"({"device_id":"P-7","n":3,"v":1.5})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->topic, "plant/P-7/3");
  EXPECT_EQ(e->payload, R"({"device_id":"P-7","n":3,"v":1.5})");
  EXPECT_EQ(e->props_json, R"({"content_type":"application/json"})");
}

TEST(MessageBuilder, RefusesWildcardInjection) {
  auto b = make(with_template("plant/{device_id}"));
  for (auto line : {R"({"device_id":"a/b"})", R"({"device_id":"+"})", R"({"device_id":"#"})", R"({"x":1})"}) {
    auto e = b.build(line);
    ASSERT_FALSE(e.ok()) << line;
    EXPECT_EQ(e.error().reason, "topic") << line;
  }
}

TEST(MessageBuilder, EnvelopeTopicPropsAndBinary) {
  auto b = make(BuildSettings{});
  auto e = b.build(R"({"topic":"a/b","payload_b64":"AP8=","props":{"user":{"k":"v"}}})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->topic, "a/b");
  EXPECT_EQ(e->payload, std::string("\x00\xff", 2));
  EXPECT_EQ(e->props_json, R"({"user":{"k":"v"}})");
  auto bad = b.build(R"({"topic":"a/+","payload":{}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().reason, "topic");
}

TEST(MessageBuilder, EncodesAsAsked) {
  BuildSettings s = with_template("t");
  s.encode = iot::codec::Encoding::zlib_msgpack;
  auto b = make(s);
  auto e = b.build(R"({"a":1})");
  ASSERT_TRUE(e.ok());
  auto inflated = iot::codec::zlib_inflate(e->payload, 1 << 20);
  ASSERT_TRUE(inflated.ok());
  EXPECT_EQ(*iot::codec::msgpack_to_json(*inflated), R"({"a":1})");
  EXPECT_EQ(e->props_json, R"({"content_type":"application/zlib+msgpack"})");
}

TEST(MessageBuilder, StampsWhatIsMissingWithPerDeviceSeq) {
  BuildSettings s = with_template("t/{device_id}");
  s.stamp = true;
  auto b = make(s);
  auto a1 = b.build(R"({"device_id":"A"})");
  auto a2 = b.build(R"({"device_id":"A","ts":5})");
  auto b1 = b.build(R"({"device_id":"B","msg_id":"mine"})");
  ASSERT_TRUE(a1.ok() && a2.ok() && b1.ok());
  EXPECT_NE(a1->payload.find(R"("schema_version":"2.1")"), std::string::npos);
  EXPECT_NE(a1->payload.find(R"("seq":1)"), std::string::npos);
  EXPECT_NE(a2->payload.find(R"("seq":2)"), std::string::npos);
  EXPECT_NE(a2->payload.find(R"("ts":5})"), std::string::npos);
  EXPECT_NE(b1->payload.find(R"("seq":1)"), std::string::npos);
  EXPECT_EQ(b1->msg_id, "mine");
  EXPECT_EQ(a1->msg_id.size(), 26u);
}

TEST(MessageBuilder, SignsInSeed003Form) {
  BuildSettings s = with_template("t");
  s.key = "secret";
  s.stamp = true;
  auto b = make(s);
  auto e = b.build(R"({"v":1})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->payload.rfind(R"({"hmac":")", 0), 0u);
  EXPECT_NE(e->payload.find(R"("ts_ns":)"), std::string::npos);
  // A payload with its own ts (Unix ms, nested shape) gets no ts_ns beside it:
  // every reader would then take that ts as seconds.
  auto own = b.build(R"({"device_id":"P-1","ts":1759384453920,"d":{"t":{"v":1,"q":192}}})");
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(own->payload.find(R"("ts_ns":)"), std::string::npos) << own->payload;
  EXPECT_NE(own->payload.find(R"("ts":1759384453920)"), std::string::npos) << own->payload;
}

TEST(MessageBuilder, AlertsGetPriority) {
  auto b = make(with_template("t"));
  EXPECT_EQ(b.build(R"({"priority":"alert"})")->priority, 1);
  EXPECT_EQ(b.build(R"({"topic":"alarms/P-1","payload":{"kind":"alarm","priority":"high"},"qos":1})")->priority, 1);
  EXPECT_EQ(b.build(R"({"priority":"low"})")->priority, 0);
}

TEST(MessageBuilder, BadJsonIsRejected) {
  auto b = make(with_template("t"));
  auto e = b.build("not json");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().reason, "bad_json");
}
