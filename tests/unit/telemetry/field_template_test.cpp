// Templates over captures and payload fields (common/telemetry/field_template.cpp).
#include "telemetry/field_template.hpp"

#include <gtest/gtest.h>

#include "json_doc.hpp"

namespace iot::telemetry {
namespace {

TEST(FieldTemplate, CapturesThenPayloadFieldsThenExtra) {
  auto doc = test::parse_json(R"({"sensor_id": "S-1", "n": 42, "x": 1.5, "b": true, "site": "payload", "o": {}})");
  simdjson::dom::object payload = doc.root.get_object().value();
  std::map<std::string, std::string> fields{{"site", "CMX"}};
  TemplateValues values{&fields, &payload, "metric", "temp"};
  EXPECT_EQ(*expand_template("{site}/{sensor_id}", values), "CMX/S-1");
  EXPECT_EQ(*expand_template("{n}-{x}-{b}", values), "42-1.5-true");
  EXPECT_EQ(*expand_template("{metric}_avg", values), "temp_avg");
  EXPECT_EQ(*expand_template("{{literal}}", values), "{literal}");
  // A Redis Cluster hash tag around a value (iot-registry(5), channel).
  EXPECT_EQ(*expand_template("tenant:{{{site}}}:device:{sensor_id}:state", values), "tenant:{CMX}:device:S-1:state");
  EXPECT_EQ(*expand_template("fixed", values), "fixed");
  auto missing = expand_template("{nope}", values);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().reason, "schema");
  EXPECT_FALSE(expand_template("{o}", values).ok());
  EXPECT_FALSE(expand_template("{site", values).ok());
}

TEST(FieldTemplate, OverAPayloadElement) {
  auto doc = test::parse_json(R"({"sensor_id": "S-1"})");
  std::map<std::string, std::string> fields{{"site", "CMX"}};
  EXPECT_EQ(*expand_template("{site}:{sensor_id}", &fields, doc.root), "CMX:S-1");
  auto array = test::parse_json("[1]");
  EXPECT_FALSE(expand_template("{sensor_id}", &fields, array.root).ok());
  auto no_capture = expand_template("{site}", nullptr, doc.root);
  ASSERT_FALSE(no_capture.ok());
  EXPECT_EQ(no_capture.error().reason, "schema");
}

TEST(FieldTemplate, WorksWithoutFieldsOrPayload) {
  TemplateValues values;
  EXPECT_EQ(*expand_template("plain", values), "plain");
  EXPECT_FALSE(expand_template("{a}", values).ok());
}

TEST(FieldTemplate, SyntaxCheck) {
  EXPECT_TRUE(check_template("{sensor_id}").ok());
  EXPECT_TRUE(check_template("{a.b}-{c_d}{{x}}").ok());
  for (const char* bad : {"{", "}", "{}", "{a b}", "x{y", "{a}}b}"}) {
    auto s = check_template(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().reason, "usage");
  }
}

}  // namespace
}  // namespace iot::telemetry
