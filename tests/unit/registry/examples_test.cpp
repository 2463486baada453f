// Every registry in examples/ loads and routes the topics of its seed.
#include <gtest/gtest.h>

#include <filesystem>

#include "registry/registry.hpp"
#include "registry/route_engine.hpp"

namespace iot::registry {
namespace {

Registry example(const std::string& name) {
  auto r = Registry::load(std::filesystem::path(IOT_SOURCE_DIR) / "examples" / name);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return std::move(r).value();
}

TEST(Examples, EveryTomlLoads) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(IOT_SOURCE_DIR) / "examples")) {
    if (entry.path().extension() != ".toml") continue;
    ++count;
    auto r = Registry::load(entry.path());
    EXPECT_TRUE(r.ok()) << entry.path() << ": " << r.error().message;
  }
  EXPECT_GE(count, 4);
}

TEST(Examples, Seed000Pumps) {
  RouteEngine r(RouteDefaults{}, example("seed000-pumps.toml"));
  auto nested = r.route("plant/P-007/telemetry");
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(nested->route->shape, telemetry::Shape::nested);
  auto flat = r.route("plant/P-007/flat");
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(flat->route->shape, telemetry::Shape::flat);
  EXPECT_EQ(flat->route->keymap.at("ti"), "temp_inlet_c");
  EXPECT_EQ(flat->route->keymap.at("to"), "temp_outlet_c");
  EXPECT_EQ(flat->route->keymap.at("p"), "pressure_bar");
  EXPECT_EQ(flat->route->keymap.at("f"), "flow_m3h");
  EXPECT_EQ(flat->route->keymap.at("pw"), "power_kw");
  EXPECT_EQ(r.route("other/topic").error().reason, "no_route");
}

TEST(Examples, Seed001AgentsDecodeTheirIds) {
  RouteEngine r(RouteDefaults{}, example("seed001-iotistica.toml"));
  // tenant 0123456789ab -> base64url "ASNFZ4mr"; agent UUID -> 22 characters.
  auto m = r.route("i/ASNFZ4mr/a/myxh8HpVSkuajy8MPm1bEQ/endpoints/modbus");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->fields.at("tenant"), "0123456789ab");
  EXPECT_EQ(m->fields.at("agent"), "9b2c61f0-7a55-4a4b-9a8f-2f0c3e6d5b11");
  EXPECT_EQ(m->fields.at("protocol"), "modbus");
  EXPECT_EQ(m->route->device_template, "{agent}");
}

TEST(Examples, Seed002Kpi) {
  RouteEngine r(RouteDefaults{}, example("seed002-kpi.toml"));
  auto m = r.route("FCTS/FAE/CMX/SolvExtract/SX101_FT204_PV");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->route->shape, telemetry::Shape::kpi);
  EXPECT_EQ(m->route->device_template, "{sensor_id}");
  EXPECT_EQ(m->route->metric_template, "{pi_tag}");
  EXPECT_EQ(m->route->tags.at("site"), "{site}");
  EXPECT_FALSE(r.route("FCTS/FAE/CMX/Other/x").ok());
}

TEST(Examples, Seed003SignedSensors) {
  RouteEngine r(RouteDefaults{}, example("seed003-sensors.toml"));
  auto m = r.route("sensors/lab/th-01");
  ASSERT_TRUE(m.ok());
  const Route& route = *m->route;
  EXPECT_EQ(route.shape, telemetry::Shape::signed_envelope);
  EXPECT_EQ(route.key, "example-site-secret");
  EXPECT_EQ(route.retention, std::chrono::hours(24));
  ASSERT_TRUE(route.rollup);
  EXPECT_EQ(route.rollup->every, std::chrono::minutes(5));
  EXPECT_EQ(route.rollup->aggregates, std::vector<std::string>{"mean"});
  EXPECT_EQ(route.rollup->retention, std::chrono::hours(24 * 30));
  EXPECT_EQ(route.qos, 0);
  auto alarm = r.route("alarms/boiler/hot/range");
  ASSERT_TRUE(alarm.ok());
  EXPECT_EQ(alarm->route->kind, RouteKind::alarm);
  EXPECT_EQ(alarm->route->qos, 1);
  auto action = r.route("actions/valve-3/open");
  ASSERT_TRUE(action.ok());
  EXPECT_EQ(action->route->kind, RouteKind::action);
  EXPECT_EQ(action->route->qos, 2);
  EXPECT_EQ(action->fields.at("device"), "valve-3");
  auto other = r.route("plant/boiler");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->route->is_catch_all());
}

// Seed 001's eight topic kinds, each to the route of its kind.
TEST(Examples, Seed001EveryTopicKind) {
  RouteEngine r(RouteDefaults{}, example("seed001-iotistica.toml"));
  const std::string a = "i/ASNFZ4mr/a/myxh8HpVSkuajy8MPm1bEQ/";
  const std::pair<std::string, RouteKind> topics[] = {
      {"endpoints/modbus", RouteKind::readings}, {"state", RouteKind::state},
      {"metrics", RouteKind::metrics},           {"events/anomaly", RouteKind::event},
      {"logs/nginx", RouteKind::log},            {"agent/startup", RouteKind::lifecycle},
      {"jobs/start-next", RouteKind::job_request}, {"jobs/J-42/update", RouteKind::job},
  };
  for (const auto& [tail, kind] : topics) {
    auto m = r.route(a + tail);
    ASSERT_TRUE(m.ok()) << tail << ": " << m.error().message;
    EXPECT_EQ(m->route->kind, kind) << tail;
  }
  auto state = r.route(a + "state");
  EXPECT_EQ(state->route->channel, "tenant:{{{tenant}}}:device:{agent}:state");
  auto logs = r.route(a + "logs/nginx");
  EXPECT_EQ(logs->route->stream, "tenant:{{{tenant}}}:agent:logs");
  EXPECT_EQ(logs->fields.at("container"), "nginx");
  EXPECT_EQ(r.route(a + "jobs/J-42/update")->fields.at("job_id"), "J-42");
  EXPECT_TRUE(r.route(a + "metrics")->route->store);
}

}  // namespace
}  // namespace iot::registry
