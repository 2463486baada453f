// Table plans (common/registry/table_plan.cpp): a rollup's view suffix, the
// whole-second periods views bucket by, the default rollups, and which plan
// a table gets.
#include "registry/table_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace iot::registry {
namespace {

using namespace std::chrono_literals;

TEST(Rollup, SuffixIsThePeriodInItsLargestWholeUnit) {
  struct Row {
    std::chrono::seconds every;
    const char* suffix;
  } rows[] = {
      {1s, "1s"},       {59s, "59s"},     {60s, "1m"},      {90s, "90s"},   {15min, "15m"},
      {3600s, "1h"},    {5400s, "90m"},   {6h, "6h"},       {24h, "1d"},    {25h, "25h"},
      {7 * 24h, "7d"},  {86401s, "86401s"},
  };
  for (const auto& row : rows) {
    Rollup r{row.every, {"mean"}, std::nullopt};
    EXPECT_EQ(r.suffix(), row.suffix) << row.every.count() << " s";
  }
}

TEST(WholeSeconds, TruncatesButNeverBelowOne) {
  struct Row {
    std::chrono::nanoseconds period;
    std::chrono::seconds want;
  } rows[] = {
      {0ns, 1s}, {1ns, 1s}, {999ms, 1s}, {1s, 1s}, {1500ms, 1s}, {2s, 2s}, {90min, 5400s},
  };
  for (const auto& row : rows) EXPECT_EQ(whole_seconds(row.period), row.want) << row.period.count() << " ns";
}

TEST(DefaultRollups, MinuteHourDayWithEveryAggregate) {
  const auto& rollups = default_rollups();
  ASSERT_EQ(rollups.size(), 3u);
  const std::vector<std::string> all{"mean", "min", "max", "sum", "count"};
  const char* suffixes[] = {"1m", "1h", "1d"};
  for (std::size_t i = 0; i < rollups.size(); ++i) {
    EXPECT_EQ(rollups[i].suffix(), suffixes[i]);
    EXPECT_EQ(rollups[i].aggregates, all);
    EXPECT_FALSE(rollups[i].retention);
  }
  EXPECT_EQ(&default_rollups(), &rollups);  // one list, built once
}

TEST(TablePlans, NamedTablesGetTheirPlanOthersTheFallback) {
  TablePlans plans;
  EXPECT_EQ(plans.fallback.rollups, default_rollups());
  EXPECT_FALSE(plans.fallback.retention);
  TablePlan kpi{std::chrono::hours(24), {Rollup{5min, {"max"}, std::chrono::hours(720)}}};
  plans.tables.emplace("kpi_readings", kpi);
  EXPECT_EQ(plans.plan_for("kpi_readings"), kpi);
  EXPECT_EQ(plans.plan_for("readings"), plans.fallback);
  EXPECT_EQ(plans.plan_for(""), plans.fallback);
  EXPECT_NE(plans.plan_for("kpi_readings"), plans.fallback);
}

}  // namespace
}  // namespace iot::registry

namespace iot::registry {
namespace {

// median is asked for, never a default: TimescaleDB would have to make
// every default rollup a plain view for it.
TEST(TablePlans, MedianOnlyWhereAskedFor) {
  TablePlans plans;
  EXPECT_FALSE(plans.any_median());
  for (const auto& r : default_rollups()) EXPECT_FALSE(r.has_median());
  Rollup r{std::chrono::minutes(5), {"mean", "median"}, std::nullopt};
  EXPECT_TRUE(r.has_median());
  plans.tables.emplace("lab", TablePlan{std::nullopt, {r}});
  EXPECT_TRUE(plans.any_median());
  EXPECT_NE(std::find(std::begin(aggregate_names), std::end(aggregate_names), "median"), std::end(aggregate_names));
}

}  // namespace
}  // namespace iot::registry
