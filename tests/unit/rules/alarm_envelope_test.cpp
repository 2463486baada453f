#include "rules/alarm_envelope.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "rules/rules_file.hpp"

namespace iot::rules {
namespace {

TEST(AlarmRenderer, TheEnvelopeOfIotStream) {
  Rule rule;
  rule.name = "inlet hot";
  auto r = AlarmRenderer::create("alarms/{device_id}/{metric}/{rule}/{check}/{state}", 42);
  ASSERT_TRUE(r) << r.error().message;
  AlarmEvent e{&rule, CheckKind::range, "P-7", "temp/in", true, 101.5, 1'710'844'800'123'000'000,
               1'710'844'801'456'999'999, "101.5 above max 100"};
  std::string line = r->render(e);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(line);
  EXPECT_EQ(std::string_view(doc["topic"]), "alarms/P-7/temp_in/inlet hot/range/raise");
  EXPECT_EQ(std::int64_t(doc["qos"]), 1);
  auto p = doc["payload"];
  EXPECT_EQ(std::string_view(p["kind"]), "alarm");
  EXPECT_EQ(std::string_view(p["priority"]), "high");
  EXPECT_EQ(std::string_view(p["state"]), "raise");
  EXPECT_EQ(std::string_view(p["rule"]), "inlet hot");
  EXPECT_EQ(std::string_view(p["check"]), "range");
  EXPECT_EQ(std::string_view(p["device_id"]), "P-7");
  EXPECT_EQ(std::string_view(p["metric"]), "temp/in");
  EXPECT_EQ(double(p["value"]), 101.5);
  EXPECT_EQ(std::int64_t(p["since"]), 1'710'844'800'123);
  EXPECT_EQ(std::int64_t(p["ts"]), 1'710'844'801'456);
  EXPECT_EQ(std::string_view(p["detail"]), "101.5 above max 100");
  std::string id{std::string_view(p["msg_id"])};
  EXPECT_EQ(id.size(), 26u);

  e.raise = false;
  e.value.reset();
  std::string clear = r->render(e);
  simdjson::dom::element doc2 = parser.parse(clear);
  EXPECT_EQ(std::string_view(doc2["payload"]["state"]), "clear");
  EXPECT_TRUE(doc2["payload"]["value"].is_null());
  EXPECT_NE(std::string(std::string_view(doc2["payload"]["msg_id"])), id);  // every alarm its own id
}

TEST(AlarmRenderer, TheDefaultTopic) {
  Rule rule;
  rule.name = "w";
  auto r = AlarmRenderer::create(default_alarm_topic);
  ASSERT_TRUE(r);
  AlarmEvent e{&rule, CheckKind::silence, "P-1", "*", true, std::nullopt, 0, 0, ""};
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(r->render(e));
  EXPECT_EQ(std::string_view(doc["topic"]), "alarms/P-1/w/silence");
}

TEST(AlarmRenderer, UnknownNamesAreRefused) {
  auto r = AlarmRenderer::create("alarms/{site}");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("{site}"), std::string::npos);
  EXPECT_FALSE(AlarmRenderer::create("alarms/#"));
}

}  // namespace
}  // namespace iot::rules
