#include "registry/table_plan.hpp"

#include <algorithm>

namespace iot::registry {

std::string Rollup::suffix() const {
  const std::int64_t s = every.count();
  if (s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

bool Rollup::has_median() const {
  return std::find(aggregates.begin(), aggregates.end(), "median") != aggregates.end();
}

bool TablePlans::any_median() const {
  auto in = [](const TablePlan& p) {
    return std::any_of(p.rollups.begin(), p.rollups.end(), [](const Rollup& r) { return r.has_median(); });
  };
  return in(fallback) || std::any_of(tables.begin(), tables.end(), [&](const auto& t) { return in(t.second); });
}

std::chrono::seconds whole_seconds(std::chrono::nanoseconds period) {
  return std::max(std::chrono::seconds(1), std::chrono::duration_cast<std::chrono::seconds>(period));
}

const std::vector<Rollup>& default_rollups() {
  using std::chrono::seconds;
  static const std::vector<Rollup> rollups = [] {
    const std::vector<std::string> all(std::begin(default_aggregate_names), std::end(default_aggregate_names));
    return std::vector<Rollup>{{seconds(60), all, std::nullopt}, {seconds(3600), all, std::nullopt},
                               {seconds(86400), all, std::nullopt}};
  }();
  return rollups;
}

}  // namespace iot::registry
