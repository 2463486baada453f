// What iot-ingest creates beside a readings table: its retention and its
// rollups, as typed periods (parsed once, when the registry or the options
// were read). The defaults are readings_1m/1h/1d with every aggregate and no
// retention; a registry route's `retention` and `[route.rollup]` replace
// them for the table it names (iot-registry(5)).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iot::registry {

// Every aggregate a rollup may ask for; the defaults leave out median, an
// ordered-set aggregate that TimescaleDB's continuous aggregates cannot hold.
inline constexpr std::string_view aggregate_names[] = {"mean", "median", "min", "max", "sum", "count"};
inline constexpr std::string_view default_aggregate_names[] = {"mean", "min", "max", "sum", "count"};

struct Rollup {
  std::chrono::seconds every{0};                 // bucket width, > 0
  std::vector<std::string> aggregates{"mean"};   // a subset of aggregate_names, in file order
  std::optional<std::chrono::seconds> retention;  // of the aggregated rows (TimescaleDB)

  // The view's suffix: the period in its largest whole unit ("1d", "6h", "15m", "90s");
  // the view is <table>_<suffix>.
  std::string suffix() const;
  bool has_median() const;
  bool operator==(const Rollup&) const = default;
};

struct TablePlan {
  std::optional<std::chrono::seconds> retention;  // of raw rows
  std::vector<Rollup> rollups;
  bool operator==(const TablePlan&) const = default;
};

// readings_1m, _1h, _1d with mean, min, max, sum and count (default_aggregate_names).
const std::vector<Rollup>& default_rollups();

// A period as whole seconds, at least one (a view cannot bucket by less).
std::chrono::seconds whole_seconds(std::chrono::nanoseconds period);

// Every table's plan: `fallback` for the default table and every table no
// route declares anything for.
struct TablePlans {
  TablePlan fallback{std::nullopt, default_rollups()};
  std::map<std::string, TablePlan> tables;
  const TablePlan& plan_for(const std::string& table) const {
    auto it = tables.find(table);
    return it == tables.end() ? fallback : it->second;
  }
  // Whether any rollup asks for median (TimescaleDB makes it a plain view).
  bool any_median() const;
};

}  // namespace iot::registry
