// A route's QoS (common/registry/route_qos.cpp): its own qos key, else its
// kind's default, as iot-registry(5) qos says.
#include "registry/route_qos.hpp"

#include <gtest/gtest.h>

namespace iot::registry {
namespace {

Route route_of(const std::string& body) {
  auto r = Registry::parse("[[route]]\npattern = \"a/#\"\n" + body);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? r->routes().at(0) : Route{};
}

TEST(RouteQos, KindDefaults) {
  EXPECT_EQ(default_qos(RouteKind::readings), 0);
  EXPECT_EQ(default_qos(RouteKind::alarm), 1);
  EXPECT_EQ(route_qos(route_of("")), 0);
  EXPECT_EQ(route_qos(route_of("kind = \"alarm\"\n")), 1);
}

TEST(RouteQos, OwnKeyWins) {
  EXPECT_EQ(route_qos(route_of("qos = 2\n")), 2);
  EXPECT_EQ(route_qos(route_of("qos = 1\n")), 1);
  EXPECT_EQ(route_qos(route_of("kind = \"alarm\"\nqos = 0\n")), 0);
  EXPECT_EQ(route_qos(route_of("kind = \"alarm\"\nqos = 2\n")), 2);
}

TEST(RouteQos, BadValueNamesTheKey) {
  auto r = Registry::parse("[[route]]\npattern = \"a/#\"\nqos = 5\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("route 1: qos: not 0, 1 or 2"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace iot::registry
