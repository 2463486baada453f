#include "replay/fleet_spec.hpp"

#include <gtest/gtest.h>

namespace iot::replay {
namespace {

TEST(FleetSpec, ParsesEveryKey) {
  auto s = parse_fleet_spec("devices=250,rate=2.5,metrics=a:b+c,shape=signed,duration=5m,seed=9,start=1710844800000");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->devices, 250u);
  EXPECT_DOUBLE_EQ(s->rate, 2.5);
  EXPECT_EQ(s->metrics, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(s->shape, FleetShape::signed_payload);
  EXPECT_DOUBLE_EQ(s->duration_s, 300);
  EXPECT_EQ(s->seed, 9u);
  EXPECT_EQ(s->start_ms.value(), 1710844800000);
}

TEST(FleetSpec, DefaultsAndErrors) {
  auto s = parse_fleet_spec("");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->devices, 10u);
  EXPECT_EQ(s->metrics.size(), 6u);
  for (const char* bad : {"devices=0", "devices=1.5", "rate=0", "shape=round", "colour=red", "devices", "metrics=a\"b",
                          "duration=-1", "seed=x"}) {
    auto r = parse_fleet_spec(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::usage);
  }
}

TEST(InjectSpec, RatesAndLimits) {
  auto s = parse_inject_spec("dup=0.01,gap=0.02,reorder=0.03,corrupt=0.04,late=0.05");
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->total(), 0.15);
  EXPECT_FALSE(parse_inject_spec("dup=0.3,gap=0.3").ok());
  EXPECT_FALSE(parse_inject_spec("loss=0.1").ok());
  auto sensor = parse_inject_spec("stuck=0.01,spike=0.02,dead=0.03,hold=45s");
  ASSERT_TRUE(sensor.ok());
  EXPECT_EQ(sensor->stuck, 0.01);
  EXPECT_EQ(sensor->spike, 0.02);
  EXPECT_EQ(sensor->dead, 0.03);
  EXPECT_EQ(sensor->hold_s, 45);
  EXPECT_TRUE(sensor->has_episodes());
  EXPECT_EQ(parse_inject_spec("gap=0.1")->hold_s, 60);
  EXPECT_FALSE(parse_inject_spec("hold=0s").ok());
  EXPECT_FALSE(parse_inject_spec("hold=soon").ok());
  EXPECT_FALSE(parse_inject_spec("stuck=0.3,dead=0.3").ok());
  EXPECT_FALSE(parse_inject_spec("dup=2").ok());
}

}  // namespace
}  // namespace iot::replay
