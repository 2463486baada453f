// The field accessors every shape reader shares
// (common/telemetry/shape_fields.cpp): each accepts its type, reads
// "absent" as nothing, and names the field in a "schema" error otherwise.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <sstream>

#include "telemetry/shape_readers.hpp"

namespace iot::telemetry::detail {
namespace {

simdjson::dom::parser parser;

simdjson::dom::object object(const std::string& json) { return parser.parse(json).value().get_object().value(); }

// "ok:<value>", "none", or "error:<message>".
template <class T>
std::string outcome(const Result<std::optional<T>>& r) {
  if (!r) {
    EXPECT_EQ(r.error().reason, "schema");
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
    return "error:" + r.error().message;
  }
  if (!*r) return "none";
  if constexpr (std::is_same_v<T, std::string_view>) return "ok:" + std::string(**r);
  else {
    std::ostringstream s;
    s << **r;
    return "ok:" + s.str();
  }
}

TEST(ShapeFields, OptionalString) {
  struct Row {
    const char* json;
    std::string want;
  } rows[] = {
      {R"({"k":"v"})", "ok:v"},
      {R"({"k":""})", "ok:"},
      {R"({})", "none"},
      {R"({"k":1})", "error:k: not a string"},
      {R"({"k":null})", "error:k: not a string"},
  };
  for (const auto& row : rows) EXPECT_EQ(outcome(optional_string(object(row.json), "k")), row.want) << row.json;
}

TEST(ShapeFields, OptionalInteger) {
  struct Row {
    const char* json;
    std::string want;
  } rows[] = {
      {R"({"seq":48291})", "ok:48291"},
      {R"({"seq":-5})", "ok:-5"},
      {R"({"seq":1.7e12})", "ok:1700000000000"},  // an integer written as a float
      {R"({})", "none"},
      {R"({"seq":1.5})", "error:seq: not an integer"},
      {R"({"seq":"7"})", "error:seq: not an integer"},
      {R"({"seq":18446744073709551615})", "error:seq: out of range"},
      {R"({"seq":1e19})", "error:seq: out of range"},
      {R"({"seq":true})", "error:seq: not an integer"},
  };
  for (const auto& row : rows) EXPECT_EQ(outcome(optional_integer(object(row.json), "seq")), row.want) << row.json;
}

TEST(ShapeFields, OptionalNumber) {
  struct Row {
    const char* json;
    std::string want;
  } rows[] = {
      {R"({"v":72.5})", "ok:72.5"},
      {R"({"v":3})", "ok:3"},
      {R"({})", "none"},
      {R"({"v":"72.5"})", "error:v: not a number"},
      {R"({"v":null})", "error:v: not a number"},
  };
  for (const auto& row : rows) EXPECT_EQ(outcome(optional_number(object(row.json), "v")), row.want) << row.json;
}

TEST(ShapeFields, NumberOrNull) {
  struct Row {
    const char* json;
    std::string want;
  } rows[] = {
      {R"({"v":72.5})", "ok:72.5"},
      {R"({"v":-1})", "ok:-1"},
      {R"({"v":null})", "none"},
      {R"({"v":"x"})", "error:d.t.v: not a number or null"},
      {R"({"v":[1]})", "error:d.t.v: not a number or null"},
  };
  for (const auto& row : rows) {
    auto value = object(row.json)["v"].value();
    EXPECT_EQ(outcome(number_or_null(value, "d.t.v")), row.want) << row.json;
  }
}

TEST(ShapeFields, MillisecondsToNanoseconds) {
  EXPECT_EQ(ms_to_ns(1710844800123, "ts").value(), 1710844800123000000);
  EXPECT_EQ(ms_to_ns(0, "ts").value(), 0);
  EXPECT_EQ(ms_to_ns(-1000, "ts").value(), -1000000000);
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / 1000000;
  EXPECT_TRUE(ms_to_ns(limit, "ts"));
  for (std::int64_t ms : {limit + 1, -limit - 1, std::numeric_limits<std::int64_t>::max()}) {
    auto r = ms_to_ns(ms, "t");
    ASSERT_FALSE(r) << ms;
    EXPECT_EQ(r.error().message, "t: out of range");
  }
}

TEST(ShapeFields, NamingAppliesTemplatesOrKeepsTheShapesOwn) {
  std::map<std::string, std::string> fields{{"site", "CMX"}};
  auto payload = object(R"({"sensor_id":"S-9","unit":"C"})");
  struct Row {
    const char* what;
    std::string device_template, metric_template;
    std::string device, metric;  // "error:..." for a failure
  } rows[] = {
      {"no templates: the shape's own names", "", "", "own-device", "own_metric"},
      {"templates over captures and payload fields", "{site}-{sensor_id}", "{site}_{metric}_{unit}", "CMX-S-9",
       "CMX_own_metric_C"},
      {"a template naming nothing", "{nope}", "{metric}", "error:", "own_metric"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.what);
    NormalizeContext context;
    context.fields = &fields;
    context.device_template = row.device_template;
    context.metric_template = row.metric_template;
    Naming naming{context, payload};
    auto device = naming.device("own-device");
    auto metric = naming.metric("own_metric");
    if (row.device == "error:") {
      ASSERT_FALSE(device);
      EXPECT_EQ(device.error().reason, "schema");
    } else {
      ASSERT_TRUE(device) << device.error().message;
      EXPECT_EQ(*device, row.device);
    }
    ASSERT_TRUE(metric) << metric.error().message;
    EXPECT_EQ(*metric, row.metric);
  }
}

TEST(ShapeFields, EmptyMetricNamesAreRefused) {
  NormalizeContext plain;
  auto payload = object(R"({"blank":""})");
  auto own = Naming{plain, payload}.metric("");
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().message, "\"\": an empty metric name");
  NormalizeContext templated;
  templated.metric_template = "{blank}";
  auto expanded = Naming{templated, payload}.metric("m");
  ASSERT_FALSE(expanded);
  EXPECT_EQ(expanded.error().message, "{blank}: expands to an empty metric name");
}

}  // namespace
}  // namespace iot::telemetry::detail
