// Filters at their own QoS on one connection (common/topic/subscriptions.cpp):
// which filter covers which, what merging leaves, which subscription owns a
// topic (iot-sub(1), OVERLAPPING FILTERS).
#include "topic/subscriptions.hpp"

#include <gtest/gtest.h>

namespace iot::topic {
namespace {

TEST(FilterCovers, Table) {
  struct Row { const char* wide; const char* narrow; bool covers; };
  const Row rows[] = {
      {"#", "a/b", true},          {"#", "+/x", true},          {"#", "$SYS/x", false},
      {"+/#", "$SYS/#", false},    {"$SYS/#", "$SYS/x", true},  {"a/#", "a", true},
      {"a/#", "a/+/c", true},      {"a/#", "a/#", true},        {"a/+", "a/b", true},
      {"a/+", "a/+", true},        {"a/+", "a/#", false},       {"a/+", "a", false},
      {"a", "a/#", false},         {"a/b", "a/+", false},       {"a/b", "a/b", true},
      {"a/b", "a/c", false},       {"sensors/#", "alarms/#", false},
      {"+/+/c", "a/b/c", true},    {"+/+/c", "a/b/#", false},   {"a/+/c", "a/b/c/d", false},
  };
  for (const Row& r : rows) EXPECT_EQ(filter_covers(r.wide, r.narrow), r.covers) << r.wide << " over " << r.narrow;
}

TEST(MergeSubscriptions, RepeatedFilterOnceAtItsHighestQos) {
  EXPECT_EQ(merge_subscriptions({{"a/+", 0}, {"b", 1}, {"a/+", 2}}),
            (std::vector<Subscription>{{"a/+", 2}, {"b", 1}}));
}

TEST(MergeSubscriptions, CoveredAtLowerOrEqualQosLeftOut) {
  // one site's worker: sensors at 0, alarms at 1, actions at 2, a catch-all at 1
  EXPECT_EQ(merge_subscriptions({{"sensors/+/+", 0}, {"alarms/#", 1}, {"actions/+", 2}, {"#", 1}}),
            (std::vector<Subscription>{{"actions/+", 2}, {"#", 1}}));
}

TEST(MergeSubscriptions, CoveredAtHigherQosKept) {
  // "#" at 0 does not deliver actions at 2: both stay, the broker may send two copies
  EXPECT_EQ(merge_subscriptions({{"#", 0}, {"actions/+", 2}}),
            (std::vector<Subscription>{{"#", 0}, {"actions/+", 2}}));
}

TEST(MergeSubscriptions, PartialOverlapsKept) {
  EXPECT_EQ(merge_subscriptions({{"a/+/c", 1}, {"a/b/+", 1}}),
            (std::vector<Subscription>{{"a/+/c", 1}, {"a/b/+", 1}}));
}

TEST(OwningSubscription, FirstOfTheHighestQos) {
  const std::vector<Subscription> subs{{"#", 0}, {"actions/+", 2}, {"a/+/c", 1}, {"a/b/+", 1}};
  EXPECT_EQ(owning_subscription(subs, "actions/open"), 1u);
  EXPECT_EQ(owning_subscription(subs, "sensors/r1/t"), 0u);
  EXPECT_EQ(owning_subscription(subs, "a/b/c"), 2u);  // both match at 1: the first
  EXPECT_EQ(owning_subscription(subs, "a/x/c"), 2u);
  EXPECT_EQ(owning_subscription(subs, "a/b/x"), 3u);
  EXPECT_EQ(owning_subscription({{"a/+", 1}}, "b"), std::nullopt);
  EXPECT_EQ(owning_subscription(subs, "$SYS/x"), std::nullopt);
}

}  // namespace
}  // namespace iot::topic
