// The route engine (common/registry/route_engine.cpp): every route key,
// table-driven, through the same calls iot-ingest and iot-verify make.
#include "registry/route_engine.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sign/hmac.hpp"

namespace iot::registry {
namespace {

// One registry with a route for every key the engine acts on.
constexpr const char* fleet = R"toml(
[[route]]
pattern = "plant/P-001/telemetry"
table = "special"

[[route]]
pattern = "plant/{device}/telemetry"
device = "{device}-x"
metric = "m_{metric}"
retention = "2d"
[route.tags]
line = "L-{device}"
fw = "{schema_version}"
[route.rollup]
every = "15m"
aggregates = ["mean", "max"]
retention = "30d"

[[route]]
pattern = "plant/{site}/flat"
shape = "flat"
table = "flat_readings"
[route.keymap]
ti = "temp_inlet_c"

[[route]]
pattern = "FCTS/FAE/{site}/SolvExtract/{pi_tag}"
shape = "kpi"
device = "{sensor_id}"
[route.tags]
site = "{site}"

[[route]]
pattern = "signed/{room}"
shape = "signed"
key_file = "route.key"

[[route]]
pattern = "unknown/{x}"
[route.tags]
nope = "{not_there}"
)toml";

// What one line reads as: its error reason, or its route index, table,
// devices, metrics and tags.
struct Outcome {
  std::string reason;
  std::size_t route = 0;
  std::string table, device, metric, tags;
};

Outcome read_line(const RouteEngine& engine, simdjson::dom::parser& parser, const std::string& topic,
                  const std::string& payload_json) {
  simdjson::dom::element payload = parser.parse(payload_json).value();
  Outcome out;
  auto match = engine.route(topic);
  if (!match) return {match.error().reason};
  out.route = match->route->index;
  out.table = *match->table;
  auto read = engine.read(payload, *match, topic);
  if (!read) {
    out.reason = read.error().reason;
    return out;
  }
  for (const auto& m : read->messages) {
    out.device += (out.device.empty() ? "" : ",") + m.device_id;
    for (const auto& r : m.readings) out.metric += (out.metric.empty() ? "" : ",") + r.metric;
  }
  for (const auto& [k, v] : read->tags) out.tags += k + "=" + v + ";";
  return out;
}

class RouteEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("route-engine-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "route.key") << "route-secret\n";
    ParseOptions options;
    options.source = "fleet.toml";
    options.base_dir = dir_;
    auto parsed = Registry::parse(fleet, options);
    ASSERT_TRUE(parsed) << parsed.error().message;
    RouteDefaults defaults;
    defaults.key = std::nullopt;
    defaults.table = "readings";
    engine_.emplace(defaults, std::move(*parsed));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Outcome read(const std::string& topic, const std::string& payload_json) {
    return read_line(*engine_, parser_, topic, payload_json);
  }

  std::filesystem::path dir_;
  std::optional<RouteEngine> engine_;
  simdjson::dom::parser parser_;
};

std::string signed_payload(std::string_view inner, std::string_view key) {
  auto line = sign::sign_payload(inner, key);
  return line ? *line : std::string();
}

TEST_F(RouteEngineTest, EveryRouteKey) {
  const std::string nested = R"({"device_id":"P-007","schema_version":"2.1","ts":1710844800123,"seq":1,"d":{"temp":{"v":1,"q":192}}})";
  const std::string inner = R"({"device_id":"th-1","temperature":20.5,"ts":1759384453,"ts_ns":920529791})";
  struct Row {
    const char* what;
    std::string topic, payload;
    Outcome want;
  };
  const Row rows[] = {
      {"first match wins: table", "plant/P-001/telemetry", nested, {"", 1, "special", "P-007", "temp", ""}},
      {"device, metric and tag templates; captures and payload fields", "plant/P-007/telemetry", nested,
       {"", 2, "readings", "P-007-x", "m_temp", "fw=2.1;line=L-P-007;"}},
      {"shape and keymap", "plant/S1/flat", R"({"v":"1","id":"F-1","t":1710844800000,"ti":3.5,"zz":1})",
       {"", 3, "flat_readings", "F-1", "temp_inlet_c,zz", ""}},
      {"kpi device from the payload, site tag from the topic", "FCTS/FAE/CMX/SolvExtract/SX101_PV",
       R"({"site_code":"CMX","sensor_id":"S-9","timestamp":"2026-03-19T10:40:00Z","value":4.2})",
       {"", 4, "readings", "S-9", "SX101_PV", "site=CMX;"}},
      {"key_file: a signed payload verifies", "signed/lab", signed_payload(inner, "route-secret"),
       {"", 5, "readings", "th-1", "temperature", ""}},
      {"key_file: a forged one does not", "signed/lab", signed_payload(inner, "other-key"),
       {"bad_signature", 5, "readings", "", "", ""}},
      {"key_file: an unsigned one does not", "signed/lab", inner, {"bad_signature", 5, "readings", "", "", ""}},
      {"a tag naming nothing is a schema error", "unknown/1", nested, {"schema", 6, "readings", "", "", ""}},
      {"no route", "elsewhere/1", nested, {"no_route", 0, "", "", "", ""}},
      {"a bare payload takes only a catch-all route", "", nested, {"no_route", 0, "", "", "", ""}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.what);
    Outcome got = read(row.topic, row.payload);
    EXPECT_EQ(got.reason, row.want.reason);
    EXPECT_EQ(got.route, row.want.route);
    EXPECT_EQ(got.table, row.want.table);
    EXPECT_EQ(got.device, row.want.device);
    EXPECT_EQ(got.metric, row.want.metric);
    EXPECT_EQ(got.tags, row.want.tags);
  }
}

// The keys the first table leaves out: typed captures, a forced shape, a
// metric template naming nothing, "$" topics, the catch-all and the
// tool's --key-file and --table on routes that name neither.
TEST(RouteEngine, MoreRouteKeys) {
  auto parsed = Registry::parse(R"toml(
[[route]]
pattern = "i/{tenant:b64hex}/a/{agent:b64uuid}/endpoints/{protocol}"
device = "{agent}"
metric = "{protocol}_{metric}"
[route.tags]
tenant = "{tenant}"

[[route]]
pattern = "forced/nested"
shape = "nested"

[[route]]
pattern = "metric/{x}"
metric = "{missing}"

[[route]]
pattern = "#"
table = "other"
)toml");
  ASSERT_TRUE(parsed) << parsed.error().message;
  RouteDefaults defaults;
  defaults.table = "from_options";
  RouteEngine engine(defaults, std::move(*parsed));
  const std::string nested = R"({"device_id":"P-1","ts":1710844800123,"seq":1,"d":{"rpm":{"v":1500,"q":192}}})";
  const std::string kpi = R"({"site_code":"CMX","sensor_id":"S-9","timestamp":"2026-03-19T10:40:00Z","value":4.2})";
  struct Row {
    const char* what;
    std::string topic, payload;
    Outcome want;
  } rows[] = {
      {"typed captures decoded into device, metric and tags",
       "i/ASNFZ4mr/a/Ej5FZ-ibEtOkVkJmFBdAAA/endpoints/modbus", nested,
       {"", 1, "from_options", "123e4567-e89b-12d3-a456-426614174000", "modbus_rpm", "tenant=0123456789ab;"}},
      {"a forced shape reads its own shape", "forced/nested", nested, {"", 2, "from_options", "P-1", "rpm", ""}},
      {"a forced shape refuses another", "forced/nested", kpi, {"schema", 2, "from_options", "", "", ""}},
      {"a metric template naming nothing is a schema error", "metric/1", nested,
       {"schema", 3, "from_options", "", "", ""}},
      {"the catch-all takes what nothing else does", "any/where", kpi, {"", 4, "other", "S-9", "value", ""}},
      {"the catch-all takes a bare payload", "", nested, {"", 4, "other", "P-1", "rpm", ""}},
      {"a $ topic matches no pattern starting with a wildcard", "$SYS/broker/load", nested,
       {"no_route", 0, "", "", "", ""}},
  };
  simdjson::dom::parser parser;
  for (const auto& row : rows) {
    SCOPED_TRACE(row.what);
    Outcome got = read_line(engine, parser, row.topic, row.payload);
    EXPECT_EQ(got.reason, row.want.reason);
    EXPECT_EQ(got.route, row.want.route);
    EXPECT_EQ(got.table, row.want.table);
    EXPECT_EQ(got.device, row.want.device);
    EXPECT_EQ(got.metric, row.want.metric);
    EXPECT_EQ(got.tags, row.want.tags);
  }
}

TEST(RouteEngine, RoutesWithoutKeyFileUseTheToolsKey) {
  auto parsed = Registry::parse("[[route]]\npattern = \"a/#\"\n");
  ASSERT_TRUE(parsed) << parsed.error().message;
  RouteDefaults defaults;
  defaults.key = "tool-key";
  RouteEngine engine(defaults, std::move(*parsed));
  auto a = engine.route("a/1");
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->key->has_value());
  EXPECT_EQ(**a->key, "tool-key");
  simdjson::dom::parser parser;
  auto unsigned_payload = parser.parse(std::string(R"({"device_id":"d","ts":1,"d":{}})")).value();
  auto st = engine.check_signature(unsigned_payload, *a);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().reason, "bad_signature");
}

TEST_F(RouteEngineTest, EnvelopeFieldsComeFirstThenCaptures) {
  simdjson::dom::parser p;
  simdjson::dom::element fields = p.parse(std::string(R"({"device":"from-envelope","tenant":"t1","n":7})")).value();
  auto m = engine_->route("plant/P-007/telemetry", &fields);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->fields.at("device"), "from-envelope");
  EXPECT_EQ(m->fields.at("tenant"), "t1");
  EXPECT_EQ(m->fields.at("n"), "7");
}

TEST_F(RouteEngineTest, TablePlansAreTyped) {
  std::vector<std::string> warnings;
  TablePlans plans = engine_->table_plans(&warnings);
  EXPECT_TRUE(warnings.empty());
  const TablePlan& readings = plans.plan_for("readings");
  EXPECT_EQ(readings.retention, std::chrono::hours(48));
  ASSERT_EQ(readings.rollups.size(), 1u);
  EXPECT_EQ(readings.rollups[0].every, std::chrono::minutes(15));
  EXPECT_EQ(readings.rollups[0].suffix(), "15m");
  EXPECT_EQ(readings.rollups[0].aggregates, (std::vector<std::string>{"mean", "max"}));
  EXPECT_EQ(readings.rollups[0].retention, std::chrono::hours(24 * 30));
  EXPECT_EQ(plans.plan_for("special"), plans.fallback);  // named, but declares nothing
  EXPECT_EQ(plans.plan_for("flat_readings").rollups, default_rollups());
}

TEST(RouteEngine, DisagreeingRoutesWarnAndTheEarlierWins) {
  auto parsed = Registry::parse(R"(
[[route]]
pattern = "a/#"
retention = "1d"
[route.rollup]
every = "1h"
[[route]]
pattern = "b/#"
retention = "2d"
[route.rollup]
every = "1h"
aggregates = ["max"]
[[route]]
pattern = "c/#"
[route.rollup]
every = "90s"
)");
  ASSERT_TRUE(parsed) << parsed.error().message;
  RouteEngine engine(RouteDefaults{}, std::move(*parsed));
  std::vector<std::string> warnings;
  TablePlans plans = engine.table_plans(&warnings);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("another retention"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("another 1h rollup"), std::string::npos) << warnings[1];
  const TablePlan& plan = plans.plan_for("readings");
  EXPECT_EQ(plan.retention, std::chrono::hours(24));
  ASSERT_EQ(plan.rollups.size(), 2u);  // 1h (the first route's) and 90s add up
  EXPECT_EQ(plan.rollups[0].aggregates, (std::vector<std::string>{"mean"}));
  EXPECT_EQ(plan.rollups[1].suffix(), "90s");
}

TEST(RouteEngine, NoRollupsDefaultWinsOverRoutes) {
  auto parsed = Registry::parse("[[route]]\npattern = \"#\"\n[route.rollup]\nevery = \"5m\"\n");
  ASSERT_TRUE(parsed);
  RouteDefaults defaults;
  defaults.plan.rollups.clear();  // --no-rollups
  RouteEngine engine(defaults, std::move(*parsed));
  EXPECT_TRUE(engine.table_plans().plan_for("readings").rollups.empty());
}

TEST(RouteEngine, WithoutARegistryEverythingTakesTheDefaultRoute) {
  RouteDefaults defaults;
  defaults.key = "k";
  defaults.table = "mine";
  RouteEngine engine(defaults);
  EXPECT_FALSE(engine.has_registry());
  for (std::string_view topic : {"any/topic", "", "$SYS/x"}) {
    auto m = engine.route(topic);
    ASSERT_TRUE(m) << topic;
    EXPECT_EQ(**m->key, "k");
    EXPECT_EQ(*m->table, "mine");
    EXPECT_TRUE(m->route->is_catch_all());
  }
  simdjson::dom::parser p;
  auto unsigned_payload = p.parse(std::string(R"({"device_id":"d","ts":1,"d":{}})")).value();
  auto m = engine.route("any/topic");
  auto st = engine.check_signature(unsigned_payload, *m);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().reason, "bad_signature");
  EXPECT_EQ(st.error().message.rfind("missing:", 0), 0u) << st.error().message;
  defaults.allow_unsigned = true;
  RouteEngine lenient(defaults);
  EXPECT_TRUE(lenient.check_signature(unsigned_payload, *lenient.route("any/topic")));
}

}  // namespace
}  // namespace iot::registry
