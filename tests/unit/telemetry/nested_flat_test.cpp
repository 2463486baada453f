// The nested and flat shapes (common/telemetry/nested_flat.cpp).
#include <gtest/gtest.h>

#include "json_doc.hpp"
#include "normalize_run.hpp"
#include "telemetry/normalize.hpp"

namespace iot::telemetry {
namespace {

using test::read_fixture;

using test_util::run;
using test_util::schema_message;

TEST(Nested, Seed000Example) {
  auto messages = run(read_fixture("seed000_nested.json"));
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  ASSERT_EQ(messages->size(), 1u);
  const Message& m = messages->front();
  EXPECT_EQ(m.shape, Shape::nested);
  EXPECT_EQ(m.device_id, "P-007");
  EXPECT_EQ(m.device_type, "centrifugal_pump");
  EXPECT_EQ(m.msg_id, "01HX7K3NBVYD5V2Q3BZ8MNRZWK");
  EXPECT_EQ(m.schema_version, "2.1");
  EXPECT_EQ(m.seq, 48291);
  EXPECT_EQ(m.time_ns, 1710844800123000000LL);
  EXPECT_EQ(m.source_time_ns, 1710844799980000000LL);
  EXPECT_EQ(m.edge_latency_ms, 143.0);
  EXPECT_FALSE(m.is_signed);
  ASSERT_EQ(m.readings.size(), 6u);
  EXPECT_EQ(m.readings[0].metric, "temp_inlet_c");
  EXPECT_EQ(m.readings[0].value, 72.4);
  EXPECT_EQ(m.readings[0].quality, quality::good);
  EXPECT_EQ(m.readings[0].device_id, "P-007");
  EXPECT_EQ(m.readings[0].time_ns, 1710844800123000000LL);
  EXPECT_EQ(m.readings[4].metric, "vibration_rms");
  EXPECT_EQ(m.readings[4].quality, quality::uncertain);
  EXPECT_EQ(m.readings[5].metric, "power_kw");
  EXPECT_EQ(m.readings[5].value, 18.4);
}

TEST(Nested, QualityWordsNullValuesUnitsAndBareNumbers) {
  auto messages = run(R"({"device_id": "d", "ts": 5, "d": {
      "a": {"v": null, "q": "bad"}, "b": {"v": 1, "q": "uncertain", "u": "bar"}, "c": 2.5, "e": null, "f": {"v": 3}}})");
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  const auto& r = messages->front().readings;
  ASSERT_EQ(r.size(), 5u);
  EXPECT_FALSE(r[0].value.has_value());
  EXPECT_EQ(r[0].quality, quality::bad);
  EXPECT_EQ(r[1].unit, "bar");
  EXPECT_EQ(r[1].quality, quality::uncertain);
  EXPECT_EQ(r[2].value, 2.5);
  EXPECT_FALSE(r[3].value.has_value());
  EXPECT_EQ(r[4].quality, quality::good);
  EXPECT_EQ(r[0].time_ns, 5'000'000);
}

TEST(Nested, SchemaErrorsNameTheField) {
  EXPECT_EQ(schema_message(R"({"ts": 1, "d": {}, "seq": 1, "msg_id": "x", "device_type": "t"})"), "device_id: missing");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1})"), "d: missing");
  EXPECT_EQ(schema_message(R"({"device_id": 7, "ts": 1, "d": {}})"), "device_id: not a string");
  EXPECT_EQ(schema_message(R"({"device_id": "", "ts": 1, "d": {}})"), "device_id: empty");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "d": []})"), "d: not an object");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "d": {}})"), "ts: missing");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": "1710844800123", "d": {}})"), "ts: not an integer");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1.5, "d": {}})"), "ts: not an integer");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 18446744073709551615, "d": {}})"), "ts: out of range");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 9223372036854775807, "d": {}})"), "ts: out of range");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "seq": "5", "d": {}})"), "seq: not an integer");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "msg_id": 5, "d": {}})"), "msg_id: not a string");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "schema_version": 2, "d": {}})"),
            "schema_version: not a string");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "d": {"x": {"v": "72.4"}}})"),
            "d.x.v: not a number or null");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "d": {"x": {"q": 192}}})"), "d.x.v: missing");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "d": {"x": {"v": 1, "q": 191}}})"),
            "d.x.q: quality is not 192, 0, 68, good, bad or uncertain");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "d": {"x": {"v": 1, "u": 3}}})"), "d.x.u: not a string");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "d": {"x": "high"}})"),
            "d.x: not an object, number or null");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "d": {}, "meta": 3})"), "meta: not an object");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "d": {}, "meta": {"edge_latency_ms": "1"}})"),
            "meta.edge_latency_ms: not a number");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "d": {}, "meta": {"source_ts": "x"}})"),
            "meta.source_ts: not an integer (Unix ms)");
}

TEST(Nested, IntegralFloatTimestampIsAccepted) {
  auto messages = run(R"({"device_id": "a", "ts": 1.7e12, "d": {}})");
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  EXPECT_EQ(messages->front().time_ns, 1'700'000'000'000'000'000LL);
}

TEST(Nested, DeviceTemplateOverridesAndFillsAMissingDeviceId) {
  std::map<std::string, std::string> fields{{"agent", "9b2c"}};
  NormalizeContext context;
  context.fields = &fields;
  context.device_template = "{agent}";
  context.metric_template = "{protocol}.{metric}";
  auto messages = run(R"({"ts": 1, "protocol": "modbus", "d": {"t": 1}})", context);
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  EXPECT_EQ(messages->front().device_id, "9b2c");
  EXPECT_EQ(messages->front().readings.at(0).metric, "modbus.t");
  EXPECT_EQ(messages->front().readings.at(0).device_id, "9b2c");
}

TEST(Nested, TemplateNamingNothingIsSchema) {
  NormalizeContext context;
  context.device_template = "{nowhere}";
  auto message = schema_message(R"({"device_id": "a", "ts": 1, "d": {}})", context);
  EXPECT_NE(message.find("{nowhere}"), std::string::npos) << message;
}

TEST(Flat, Seed000ExampleWithKeymap) {
  std::map<std::string, std::string> keymap{{"ti", "temp_inlet_c"}, {"to", "temp_outlet_c"}, {"p", "pressure_bar"},
                                            {"f", "flow_m3h"},      {"pw", "power_kw"}};
  NormalizeContext context;
  context.keymap = &keymap;
  auto messages = run(read_fixture("seed000_flat.json"), context);
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  const Message& m = messages->front();
  EXPECT_EQ(m.shape, Shape::flat);
  EXPECT_EQ(m.device_id, "P-007");
  EXPECT_EQ(m.schema_version, "2.1");
  EXPECT_EQ(m.time_ns, 1710844800123000000LL);
  ASSERT_EQ(m.readings.size(), 5u);
  EXPECT_EQ(m.readings[0].metric, "temp_inlet_c");
  EXPECT_EQ(m.readings[0].value, 72.4);
  EXPECT_EQ(m.readings[1].metric, "temp_outlet_c");
  EXPECT_EQ(m.readings[2].metric, "pressure_bar");
  EXPECT_EQ(m.readings[3].metric, "flow_m3h");
  EXPECT_EQ(m.readings[4].metric, "power_kw");
  EXPECT_EQ(m.readings[4].value, 18.4);
  for (const auto& r : m.readings) EXPECT_EQ(r.quality, quality::good);
}

TEST(Flat, UnknownKeysKeepTheirNameWithoutKeymap) {
  auto messages = run(read_fixture("seed000_flat.json"));
  ASSERT_TRUE(messages.ok());
  EXPECT_EQ(messages->front().readings[0].metric, "ti");
  EXPECT_EQ(messages->front().readings[4].metric, "pw");
}

TEST(Flat, SeqAndMsgIdAreNotMetrics) {
  auto messages = run(R"({"v": "2.1", "id": "P", "t": 2, "seq": 9, "msg_id": "01H", "x": null})");
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  EXPECT_EQ(messages->front().seq, 9);
  EXPECT_EQ(messages->front().msg_id, "01H");
  ASSERT_EQ(messages->front().readings.size(), 1u);
  EXPECT_FALSE(messages->front().readings[0].value.has_value());
}

TEST(Flat, SchemaErrors) {
  NormalizeContext flat;
  flat.shape = Shape::flat;
  EXPECT_EQ(schema_message(R"({"v": "2.1", "t": 1, "ti": 1})", flat), "id: missing");
  EXPECT_EQ(schema_message(R"({"v": "2.1", "id": "P"})", flat), "t: missing");
  EXPECT_EQ(schema_message(R"({"v": "2.1", "id": "P", "t": 1, "ti": "72.4"})"), "ti: not a number or null");
  EXPECT_EQ(schema_message(R"({"v": 2.1, "id": "P", "t": 1})"), "v: not a string");
  EXPECT_EQ(schema_message(R"({"v": "2.1", "id": "P", "t": 1, "ti": true})"), "ti: not a number or null");
  // found by normalize_fuzz: an empty key must not become an empty metric
  EXPECT_EQ(schema_message(R"([{"id":"P","t":1,"":1,"tmestamvalue":1}])"), "readings[0].\"\": an empty metric name");
  EXPECT_EQ(schema_message(R"({"device_id": "a", "ts": 1, "d": {"": {"v": 1}}})"), "\"\": an empty metric name");
}

}  // namespace
}  // namespace iot::telemetry
