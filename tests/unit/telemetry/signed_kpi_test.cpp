// The signed and kpi shapes (common/telemetry/signed_kpi.cpp).
#include <gtest/gtest.h>

#include "json_doc.hpp"
#include "normalize_run.hpp"
#include "telemetry/normalize.hpp"

namespace iot::telemetry {
namespace {

using test::read_fixture;

using test_util::run;
using test_util::schema_message;

NormalizeContext on_topic(std::string_view topic) {
  NormalizeContext c;
  c.topic = topic;
  return c;
}

TEST(Signed, Seed003ExampleDeviceFromTopic) {
  auto messages = run(read_fixture("seed003_signed.json"), on_topic("sensors/lab/th-01"));
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  ASSERT_EQ(messages->size(), 1u);
  const Message& m = messages->front();
  EXPECT_EQ(m.shape, Shape::signed_envelope);
  EXPECT_TRUE(m.is_signed);
  EXPECT_EQ(m.device_id, "sensors/lab/th-01");
  EXPECT_EQ(m.time_ns, 1759384453920529791LL);
  ASSERT_EQ(m.readings.size(), 2u);
  EXPECT_EQ(m.readings[0].metric, "humidity");
  EXPECT_EQ(m.readings[0].value, 60.64);
  EXPECT_EQ(m.readings[1].metric, "temperature");
  EXPECT_EQ(m.readings[1].value, 20.52);
  EXPECT_EQ(m.readings[1].time_ns, 1759384453920529791LL);
}

TEST(Signed, DeviceFromTemplateOverCaptures) {
  std::map<std::string, std::string> fields{{"room", "lab"}, {"sensor", "th-01"}};
  NormalizeContext context = on_topic("sensors/lab/th-01");
  context.fields = &fields;
  context.device_template = "{sensor}";
  auto messages = run(read_fixture("seed003_signed.json"), context);
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  EXPECT_EQ(messages->front().device_id, "th-01");
}

TEST(Signed, DeviceFromPayloadAndReservedKeysAreNotReadings) {
  auto messages = run(R"({"hmac": "x", "payload": {"device_id": "th-9", "seq": 4, "msg_id": "m", "ts": 10,
                          "ts_ns": 5, "location": "hall", "ok": true, "co2": 400}})");
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  const Message& m = messages->front();
  EXPECT_EQ(m.device_id, "th-9");
  EXPECT_EQ(m.seq, 4);
  EXPECT_EQ(m.msg_id, "m");
  EXPECT_EQ(m.time_ns, 10'000'000'005LL);
  ASSERT_EQ(m.readings.size(), 1u);
  EXPECT_EQ(m.readings[0].metric, "co2");
}

TEST(Signed, SignedNestedPayloadReadsAsNested) {
  auto messages = run(R"({"hmac": "x", "payload": )" + read_fixture("seed000_nested.json") + "}");
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  EXPECT_EQ(messages->front().shape, Shape::nested);
  EXPECT_TRUE(messages->front().is_signed);
  EXPECT_EQ(messages->front().readings.size(), 6u);
}

// The signed shape's time form decides the unit whatever shape is signed inside:
// "ts" beside "ts_ns" is seconds (iot-replay shape=signed writes a nested
// payload so); a nested "ts" alone stays Unix ms.
TEST(Signed, SignedNestedPayloadWithTsNsIsSecondsNot1970) {
  const std::string inner = R"({"d":{"temp":{"q":192,"v":20.5}},"device_id":"dev-1","msg_id":"01J0000000000000000000000A",)"
                            R"("seq":1,"ts":1759384453,"ts_ns":920529791})";
  auto messages = run(R"({"hmac": "x", "payload": )" + inner + "}");
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  EXPECT_EQ(messages->front().shape, Shape::nested);
  EXPECT_EQ(messages->front().time_ns, 1759384453920529791LL);
  EXPECT_EQ(messages->front().readings.at(0).time_ns, 1759384453920529791LL);
  auto unsigned_nested = run(inner);  // the same payload unsigned reads the same time
  ASSERT_TRUE(unsigned_nested.ok()) << unsigned_nested.error().message;
  EXPECT_EQ(unsigned_nested->front().time_ns, 1759384453920529791LL);
  auto ms = run(R"({"hmac": "x", "payload": {"device_id":"d","ts":1759384453920,"d":{"t":1}}})");
  ASSERT_TRUE(ms.ok()) << ms.error().message;
  EXPECT_EQ(ms->front().time_ns, 1759384453920000000LL);
  EXPECT_EQ(schema_message(R"({"device_id":"d","ts":1759384453,"ts_ns":2000000000,"d":{"t":1}})"),
            "ts_ns: not within 0..999999999");
}

TEST(Signed, BarePayloadIsNotSigned) {
  auto messages = run(R"({"humidity": 60.64, "ts": 1759384453, "ts_ns": 920529791})", on_topic("sensors/a/b"));
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  EXPECT_FALSE(messages->front().is_signed);
  EXPECT_EQ(messages->front().readings.size(), 1u);
}

TEST(Signed, SchemaErrors) {
  auto topic = on_topic("t");
  EXPECT_EQ(schema_message(R"({"hmac": "x"})", topic), "payload: missing");
  EXPECT_EQ(schema_message(R"({"hmac": "x", "payload": [1]})", topic), "payload: not an object");
  EXPECT_EQ(schema_message(R"({"hmac": "x", "payload": {"a": 1}})", topic), "ts: missing");
  EXPECT_EQ(schema_message(R"({"hmac": "x", "payload": {"a": 1, "ts": "1"}})", topic), "ts: not an integer");
  EXPECT_EQ(schema_message(R"({"hmac": "x", "payload": {"ts": 1, "ts_ns": 1000000000}})", topic),
            "ts_ns: not within 0..999999999");
  EXPECT_EQ(schema_message(R"({"hmac": "x", "payload": {"ts": 1, "ts_ns": -1}})", topic),
            "ts_ns: not within 0..999999999");
  EXPECT_EQ(schema_message(R"({"hmac": "x", "payload": {"ts": 9300000000000000000}})", topic), "ts: out of range");
  EXPECT_EQ(schema_message(R"({"hmac": "x", "payload": {"ts": 1, "device_id": 5}})", topic),
            "device_id: not a string");
  EXPECT_EQ(schema_message(R"({"hmac": "x", "payload": {"ts": 1, "a": 2}})"),
            "device_id: missing (and no topic or device template)");
}

TEST(Kpi, Seed002ReadingWithPiTagFromTopic) {
  std::map<std::string, std::string> fields{{"site", "CMX"}, {"pi_tag", "SX101_FT204_PV"}};
  NormalizeContext context = on_topic("FCTS/FAE/CMX/SolvExtract/SX101_FT204_PV");
  context.fields = &fields;
  auto messages = run(read_fixture("seed002_kpi.json"), context);
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  const Message& m = messages->front();
  EXPECT_EQ(m.shape, Shape::kpi);
  EXPECT_EQ(m.device_id, "SX-101-FT-204");
  EXPECT_EQ(m.time_ns, 1773916800123000000LL);  // 2026-03-19T10:40:00.123Z
  EXPECT_EQ(m.tags.at("site"), "CMX");
  ASSERT_EQ(m.readings.size(), 1u);
  EXPECT_EQ(m.readings[0].metric, "SX101_FT204_PV");
  EXPECT_EQ(m.readings[0].value, 87.25);
  EXPECT_EQ(m.readings[0].quality, quality::good);
}

TEST(Kpi, MetricIsValueWithoutPiTagAndTemplatesApply) {
  auto messages = run(read_fixture("seed002_kpi.json"));
  ASSERT_TRUE(messages.ok());
  EXPECT_EQ(messages->front().readings[0].metric, "value");
  NormalizeContext context;
  context.device_template = "{site_code}:{sensor_id}";
  context.metric_template = "kpi_{metric}";
  messages = run(read_fixture("seed002_kpi.json"), context);
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  EXPECT_EQ(messages->front().device_id, "CMX:SX-101-FT-204");
  EXPECT_EQ(messages->front().readings[0].metric, "kpi_value");
}

TEST(Kpi, NumericIdsAndUnixTimestamps) {
  auto messages = run(R"({"site_code": 12, "sensor_id": 4711, "timestamp": 1710844800123, "value": null})");
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  EXPECT_EQ(messages->front().device_id, "4711");
  EXPECT_EQ(messages->front().tags.at("site"), "12");
  EXPECT_EQ(messages->front().time_ns, 1710844800123000000LL);
  EXPECT_FALSE(messages->front().readings[0].value.has_value());
}

TEST(Kpi, SchemaErrors) {
  EXPECT_EQ(schema_message(R"({"site_code": "A", "timestamp": 1, "value": 1, "x": 1, "sensor_id": null})"),
            "sensor_id: not a string or integer");
  EXPECT_EQ(schema_message(R"({"sensor_id": "s", "timestamp": 1, "value": 1})"), "site_code: missing");
  EXPECT_EQ(schema_message(R"({"site_code": "A", "sensor_id": "s", "value": 1})"), "timestamp: missing");
  EXPECT_EQ(schema_message(R"({"site_code": "A", "sensor_id": "s", "timestamp": 1})"), "value: missing");
  EXPECT_EQ(schema_message(R"({"site_code": "A", "sensor_id": "s", "timestamp": 1, "value": "87.2"})"),
            "value: not a number or null");
  EXPECT_EQ(schema_message(R"({"site_code": "A", "sensor_id": "", "timestamp": 1, "value": 1})"), "sensor_id: empty");
  auto message = schema_message(R"({"site_code": "A", "sensor_id": "s", "timestamp": "yesterday", "value": 1})");
  EXPECT_EQ(message.rfind("timestamp: ", 0), 0u) << message;
}

}  // namespace
}  // namespace iot::telemetry
