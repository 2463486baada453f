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
  auto other = r.route("alarms/boiler");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->route->is_catch_all());
}

}  // namespace
}  // namespace iot::registry
