#include "rules/alarm_payload.hpp"

#include <gtest/gtest.h>

#include "rules/alarm_envelope.hpp"

namespace iot::rules {
namespace {

TEST(AlarmPayload, ReadsWhatTheRendererWrites) {
  Rule rule;
  rule.name = "hot";
  auto r = AlarmRenderer::create(default_alarm_topic, 3);
  ASSERT_TRUE(r);
  AlarmEvent e{&rule, CheckKind::rate, "P-1", "temp", false, 12.5, 5'000'000, 9'000'000, "cleared"};
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(r->render(e));
  simdjson::dom::element p = doc["payload"];
  ASSERT_TRUE(is_alarm_payload(p));
  auto a = read_alarm_payload(p);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->state, "clear");
  EXPECT_FALSE(a->raise());
  EXPECT_EQ(a->rule, "hot");
  EXPECT_EQ(a->check, "rate");
  EXPECT_EQ(a->device_id, "P-1");
  EXPECT_EQ(a->metric, "temp");
  EXPECT_EQ(*a->value, 12.5);
  EXPECT_EQ(a->since_ms, 5);
  EXPECT_EQ(a->ts_ms, 9);
  EXPECT_EQ(a->msg_id.size(), 26u);
}

struct BadAlarmPayload {
  const char* json;
  const char* message;
};

TEST(AlarmPayload, SchemaErrorsNameTheField) {

  const BadAlarmPayload cases[] = {
      {R"({"kind":"alarm"})", "msg_id: missing"},
      {R"({"kind":"alarm","msg_id":"X","state":"on","rule":"r","check":"range","device_id":"d","metric":"m","since":1,"ts":1,"value":null})",
       "state: expected raise or clear"},
      {R"({"kind":"alarm","msg_id":"X","state":"raise","rule":"r","check":"hot","device_id":"d","metric":"m","since":1,"ts":1,"value":null})",
       "check: expected"},
      {R"({"kind":"alarm","msg_id":"X","state":"raise","rule":"r","check":"range","device_id":"d","metric":"m","since":"1","ts":1,"value":null})",
       "since: missing or not an integer"},
      {R"({"kind":"alarm","msg_id":"X","state":"raise","rule":"r","check":"range","device_id":"d","metric":"m","since":1,"ts":1})",
       "value: missing"},
      {R"({"kind":"alarm","msg_id":"X","state":"raise","rule":"r","check":"range","device_id":"d","metric":"m","since":1,"ts":1,"value":"hot"})",
       "value: not a number"},
      {R"({"kind":"alarm","msg_id":"","state":"raise","rule":"r","check":"range","device_id":"d","metric":"m","since":1,"ts":1,"value":1})",
       "msg_id: empty"},
  };

  simdjson::dom::parser parser;
  for (const auto& c : cases) {
    simdjson::dom::element doc = parser.parse(std::string_view(c.json));
    EXPECT_TRUE(is_alarm_payload(doc)) << c.json;
    auto a = read_alarm_payload(doc);
    ASSERT_FALSE(a) << c.json;
    EXPECT_EQ(a.error().reason, "schema");
    EXPECT_NE(a.error().message.find(c.message), std::string::npos) << a.error().message;
  }
}

TEST(AlarmPayload, ReadingsAreNoAlarms) {
  simdjson::dom::parser parser;
  for (const char* json : {R"({"device_id":"d","ts":1,"d":{}})", R"({"kind":"event"})", R"([1])", R"({"kind":1})"})
    EXPECT_FALSE(is_alarm_payload(parser.parse(std::string_view(json)))) << json;
}

}  // namespace
}  // namespace iot::rules
