// The kinds of a route (common/registry/route_kind.cpp): every name reads
// back as itself, and the default QoS follows the classes of iot-registry(5), qos.
#include "registry/route_kind.hpp"

#include <gtest/gtest.h>

namespace iot::registry {
namespace {

TEST(RouteKind, EveryNameRoundTrips) {
  const char* names[] = {"readings", "alarm", "state", "metrics", "event", "lifecycle", "log", "job", "job_request", "action"};
  for (const char* name : names) {
    auto kind = parse_route_kind(name);
    ASSERT_TRUE(kind) << name;
    EXPECT_EQ(route_kind_name(*kind), name);
  }
  EXPECT_EQ(route_kind_names(), "readings, alarm, state, metrics, event, lifecycle, log, job, job_request, action");
}

TEST(RouteKind, UnknownNamesAreNone) {
  EXPECT_FALSE(parse_route_kind(""));
  EXPECT_FALSE(parse_route_kind("Alarm"));
  EXPECT_FALSE(parse_route_kind("jobs"));
}

TEST(RouteKind, DefaultQosByClass) {
  EXPECT_EQ(default_qos(RouteKind::readings), 0);
  EXPECT_EQ(default_qos(RouteKind::alarm), 1);
  EXPECT_EQ(default_qos(RouteKind::action), 2);
  for (RouteKind k : {RouteKind::state, RouteKind::metrics, RouteKind::event, RouteKind::lifecycle, RouteKind::log,
                      RouteKind::job, RouteKind::job_request})
    EXPECT_EQ(default_qos(k), 1) << route_kind_name(k);
}

}  // namespace
}  // namespace iot::registry
