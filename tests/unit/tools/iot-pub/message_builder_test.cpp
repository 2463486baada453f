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
// One line that must give a message (an error stays an error; a message
// --deadband suppressed is an error here too, for the tests that expect one).
iot::Result<iot::spool::OutboxEntry> built(MessageBuilder& b, std::string_view line) {
  auto e = b.build(line);
  if (!e) return e.error();
  if (!*e) return iot::make_error(iot::ErrorKind::internal, "suppressed", "suppressed by --deadband");
  return std::move(**e);
}
BuildSettings with_template(const char* t) {
  BuildSettings s;
  s.topic_template = *iot::topic::TopicTemplate::parse(t);
  return s;
}
}  // namespace

TEST(MessageBuilder, BarePayloadTopicFromTemplate) {
  auto b = make(with_template("plant/{device_id}/{n}"));
  auto e = built(b, R"({"device_id":"P-7","n":3,"v":1.5})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->topic, "plant/P-7/3");
  EXPECT_EQ(e->payload, R"({"device_id":"P-7","n":3,"v":1.5})");
  EXPECT_EQ(e->props_json, R"({"content_type":"application/json"})");
}

TEST(MessageBuilder, RefusesWildcardInjection) {
  auto b = make(with_template("plant/{device_id}"));
  for (auto line : {R"({"device_id":"a/b"})", R"({"device_id":"+"})", R"({"device_id":"#"})", R"({"x":1})"}) {
    auto e = built(b, line);
    ASSERT_FALSE(e.ok()) << line;
    EXPECT_EQ(e.error().reason, "topic") << line;
  }
}

TEST(MessageBuilder, EnvelopeTopicPropsAndBinary) {
  auto b = make(BuildSettings{});
  auto e = built(b, R"({"topic":"a/b","payload_b64":"AP8=","props":{"user":{"k":"v"}}})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->topic, "a/b");
  EXPECT_EQ(e->payload, std::string("\x00\xff", 2));
  EXPECT_EQ(e->props_json, R"({"user":{"k":"v"}})");
  auto bad = built(b, R"({"topic":"a/+","payload":{}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().reason, "topic");
}

// An envelope's JSON payload goes out as the line writes it, whitespace
// removed: digits and escapes as the sender wrote them, whatever member
// order the envelope has; a payload key spelled with an escape is still
// found (by the parser) and its payload written out from the document.
TEST(MessageBuilder, EnvelopePayloadKeepsItsText) {
  auto b = make(BuildSettings{});
  auto e = built(b, R"({"payload": {"v": 1.50, "s": "\u00fc x", "n": [1e2, -0.0]}, "topic": "a/b", "qos": 0})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->payload, R"({"v":1.50,"s":"\u00fc x","n":[1e2,-0.0]})");
  auto plain = built(b, R"({"topic":"a/b","payload":{"v":2.5,"s":"ü"}})");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->payload, R"({"v":2.5,"s":"ü"})");
  auto escaped_key = built(b, R"({"topic":"a/b","p\u0061yload":{"v": 1.50}})");
  ASSERT_TRUE(escaped_key.ok()) << escaped_key.error().message;
  EXPECT_EQ(escaped_key->payload, R"({"v":1.5})");
}

TEST(MessageBuilder, EncodesAsAsked) {
  BuildSettings s = with_template("t");
  s.encode = iot::codec::Encoding::zlib_msgpack;
  auto b = make(s);
  auto e = built(b, R"({"a":1})");
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
  auto a1 = built(b, R"({"device_id":"A"})");
  auto a2 = built(b, R"({"device_id":"A","ts":5})");
  auto b1 = built(b, R"({"device_id":"B","msg_id":"mine"})");
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
  auto e = built(b, R"({"v":1})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->payload.rfind(R"({"hmac":")", 0), 0u);
  EXPECT_NE(e->payload.find(R"("ts_ns":)"), std::string::npos);
  // A payload with its own ts (Unix ms, nested shape) gets no ts_ns beside it:
  // every reader would then take that ts as seconds.
  auto own = built(b, R"({"device_id":"P-1","ts":1759384453920,"d":{"t":{"v":1,"q":192}}})");
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(own->payload.find(R"("ts_ns":)"), std::string::npos) << own->payload;
  EXPECT_NE(own->payload.find(R"("ts":1759384453920)"), std::string::npos) << own->payload;
}

TEST(MessageBuilder, AlertsGetPriority) {
  auto b = make(with_template("t"));
  EXPECT_EQ(built(b, R"({"priority":"alert"})")->priority, 1);
  EXPECT_EQ(built(b, R"({"topic":"alarms/P-1","payload":{"kind":"alarm","priority":"high"},"qos":1})")->priority, 1);
  EXPECT_EQ(built(b, R"({"priority":"low"})")->priority, 0);
}

TEST(MessageBuilder, BadJsonIsRejected) {
  auto b = make(with_template("t"));
  auto e = built(b, "not json");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().reason, "bad_json");
}

// --deadband (iot-pub(1), DEADBAND): readings inside the band leave the
// payload's "d"; a message with nothing left is not sent; msg_id and seq are
// then iot-pub's own, assigned after the filter.
BuildSettings with_deadband(bool keep_seq) {
  BuildSettings s = with_template("t/{device_id}");
  s.deadband = {*iot::telemetry::parse_deadband_rule("temp_*=abs:0.5"), *iot::telemetry::parse_deadband_rule("*=pct:10")};
  s.keep_seq = keep_seq;
  return s;
}

TEST(MessageBuilder, DeadbandFiltersBeforeStamping) {
  auto b = make(with_deadband(false));
  auto first = built(b, R"({"device_id":"A","msg_id":"dev-1","seq":41,"ts":1000,"d":{"temp_in":{"v":20,"q":192},"p":{"v":100,"q":192}}})");
  ASSERT_TRUE(first.ok()) << first.error().message;
  // The device's msg_id and seq are replaced: seq 1 is iot-pub's first for A.
  EXPECT_EQ(first->payload.find("dev-1"), std::string::npos) << first->payload;
  EXPECT_EQ(first->msg_id.size(), 26u);
  EXPECT_NE(first->payload.find(R"("seq":1,)"), std::string::npos) << first->payload;
  EXPECT_NE(first->payload.find(R"("d":{"temp_in":{"v":20,"q":192},"p":{"v":100,"q":192}})"), std::string::npos);
  // temp_in moved 0.3 (inside), p moved 20 % (outside): only p goes.
  auto second = built(b, R"({"device_id":"A","msg_id":"dev-2","seq":42,"ts":2000,"d":{"temp_in":{"v":20.3,"q":192},"p":{"v":120,"q":192}}})");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_NE(second->payload.find(R"("d":{"p":{"v":120,"q":192}})"), std::string::npos) << second->payload;
  EXPECT_NE(second->payload.find(R"("seq":2,)"), std::string::npos) << second->payload;
  // Everything inside: no message, and seq is not used up.
  auto third = b.build(R"({"device_id":"A","msg_id":"dev-3","seq":43,"ts":3000,"d":{"temp_in":{"v":20.1},"p":{"v":121}}})");
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->has_value());
  // A quality change goes even inside the band.
  auto fourth = built(b, R"({"device_id":"A","seq":44,"ts":4000,"d":{"temp_in":{"v":20,"q":0},"p":{"v":120}}})");
  ASSERT_TRUE(fourth.ok()) << fourth.error().message;
  EXPECT_NE(fourth->payload.find(R"("seq":3,)"), std::string::npos) << fourth->payload;
  EXPECT_NE(fourth->payload.find(R"("d":{"temp_in":{"v":20,"q":0}})"), std::string::npos) << fourth->payload;
  EXPECT_EQ(b.suppressed_readings(), 4u);
  EXPECT_EQ(b.suppressed_messages(), 1u);
}

TEST(MessageBuilder, DeadbandKeepSeqSendsAnEmptyD) {
  auto b = make(with_deadband(true));
  ASSERT_TRUE(built(b, R"({"device_id":"A","msg_id":"m1","seq":7,"ts":1,"d":{"temp_a":1.0}})").ok());
  auto e = built(b, R"({"device_id":"A","msg_id":"m2","seq":8,"ts":2,"d":{"temp_a":1.2}})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->payload, R"({"device_id":"A","msg_id":"m2","seq":8,"ts":2,"d":{}})");
  EXPECT_EQ(e->msg_id, "m2");
  EXPECT_EQ(b.suppressed_readings(), 1u);
  EXPECT_EQ(b.suppressed_messages(), 0u);
}

TEST(MessageBuilder, DeadbandLeavesOtherShapesAlone) {
  BuildSettings s = with_deadband(false);
  s.topic_template = *iot::topic::TopicTemplate::parse("t");
  auto b = make(s);
  // Flat: metric keys are the readings.
  ASSERT_TRUE(built(b, R"({"v":"2.1","id":"F","t":1,"temp_x":5,"flow":2})").ok());
  auto flat = built(b, R"({"v":"2.1","id":"F","t":2,"temp_x":5.1,"flow":3})");
  ASSERT_TRUE(flat.ok()) << flat.error().message;
  EXPECT_EQ(flat->payload.rfind(R"({"msg_id":")", 0), 0u) << flat->payload;
  EXPECT_NE(flat->payload.find(R"("v":"2.1","id":"F","t":2,"flow":3})"), std::string::npos) << flat->payload;
  // Signed and kpi payloads pass as they are, with their own ids.
  const char* signed_line = R"({"hmac":"x","payload":{"temperature":1,"ts":1,"ts_ns":0}})";
  for (int i = 0; i < 2; ++i) {
    auto e = built(b, signed_line);
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->payload, signed_line);
  }
}

TEST(MessageBuilder, DeadbandHeartbeatUsesThePayloadTime) {
  BuildSettings s = with_deadband(false);
  s.heartbeat_ns = 60'000'000'000;
  auto b = make(s);
  auto line = [](int ts_s) {
    return R"({"device_id":"H","ts":)" + std::to_string(ts_s * 1000) + R"(,"d":{"temp_a":{"v":1,"q":192}}})";
  };
  EXPECT_TRUE(b.build(line(0))->has_value());
  EXPECT_FALSE(b.build(line(59))->has_value());
  EXPECT_TRUE(b.build(line(60))->has_value());
  EXPECT_FALSE(b.build(line(119))->has_value());
}

// Integers beyond 64 bits (iot-stream(5), NUMBERS) go on with their digits
// as written, stamped and signed over the exact text.
TEST(MessageBuilder, WideIntegersKeepTheirDigits) {
  BuildSettings s = with_template("t/{device_id}");
  s.stamp = true;
  auto b = make(s);
  auto e = built(b, R"({"device_id": "W", "ts": 5, "n": 1000000000000000000000000000000, "m": -18446744073709551615})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->topic, "t/W");
  EXPECT_NE(e->payload.find(R"("ts":5,"n":1000000000000000000000000000000,"m":-18446744073709551615})"), std::string::npos)
      << e->payload;
  EXPECT_NE(e->payload.find(R"("seq":1,)"), std::string::npos) << e->payload;
  BuildSettings signing = with_template("t");
  signing.key = "secret-key";
  auto sb = make(signing);
  auto signed_e = built(sb, R"({"device_id":"P-1","ts":1759384454,"ts_ns":5,"seq":2,"counter":1000000000000000000000000000000,"neg":-18446744073709551615})");
  ASSERT_TRUE(signed_e.ok()) << signed_e.error().message;
  // The HMAC Python's json + hmac give this payload with this key.
  EXPECT_EQ(signed_e->payload.rfind(R"({"hmac":"B6okyf9+J6SaVxbAX7j9i46tbPuQYGAdcObwCTDLcEY=","payload":{)", 0), 0u)
      << signed_e->payload;
}

// iot-pub(1), QOS AND RETAIN: the envelope's own, then the route's, then -q / --retain.
TEST(MessageBuilder, QosAndRetainFirstFound) {
  BuildSettings s = with_template("sensors/{room}/{sensor}");
  s.qos = 1;
  s.retain = true;
  s.routes.push_back({*iot::topic::TopicPattern::parse("sensors/{room}/{sensor}"), {}, 0});
  s.routes.push_back({*iot::topic::TopicPattern::parse("actions/{device}"), {}, 2});
  auto b = make(std::move(s));
  struct Row { const char* line; int qos; bool retain; };
  const Row rows[] = {
      {R"({"topic":"misc/x","payload":{}})", 1, true},                           // no route: -q, --retain
      {R"({"topic":"sensors/r/s","payload":{}})", 0, true},                      // the route's qos
      {R"({"topic":"actions/v","payload":{}})", 2, true},
      {R"({"topic":"actions/v","payload":{},"qos":1,"retain":false})", 1, false},  // the envelope's own
      {R"({"topic":"misc/x","payload":{},"qos":0})", 0, true},
      {R"({"topic":"sensors/r/s","payload":{},"qos":2,"retain":true})", 2, true},
      {R"({"topic":"sensors/r/s","payload_b64":"AP8=","qos":2})", 2, true},
      {R"({"room":"r","sensor":"s","qos":2})", 0, true},  // a bare payload's "qos" is data, not a flag
  };
  for (const Row& r : rows) {
    auto e = built(b, r.line);
    ASSERT_TRUE(e.ok()) << r.line << ": " << e.error().message;
    EXPECT_EQ(e->qos, r.qos) << r.line;
    EXPECT_EQ(e->retain, r.retain) << r.line;
  }
}

TEST(MessageBuilder, BadQosOrRetainIsASchemaReject) {
  auto b = make(BuildSettings{});
  for (auto line : {R"({"topic":"a","payload":{},"qos":3})", R"({"topic":"a","payload":{},"qos":-1})",
                    R"({"topic":"a","payload":{},"qos":"1"})", R"({"topic":"a","payload":{},"qos":1.0})",
                    R"({"topic":"a","payload":{},"qos":null})", R"({"topic":"a","payload":{},"retain":1})"}) {
    auto e = built(b, line);
    ASSERT_FALSE(e.ok()) << line;
    EXPECT_EQ(e.error().reason, "schema") << line;
  }
}
