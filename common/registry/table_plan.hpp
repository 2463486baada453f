// What iot-ingest creates beside a readings table: its retention and its
// rollups. The defaults are readings_1m/1h/1d with every aggregate and no
// retention; a registry route's `retention` and `[route.rollup]` replace
// them for the table it names (iot-registry(5)).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace iot::store {

struct RollupSpec {
  std::string suffix;                             // "1h": the view is <table>_1h
  std::int64_t every_seconds = 0;                 // bucket width, > 0
  std::vector<std::string> aggregates;            // of mean, min, max, sum, count
  std::optional<std::int64_t> retention_seconds;  // of the aggregated rows (TimescaleDB)
};

struct TablePlan {
  std::optional<std::int64_t> retention_seconds;  // of raw rows
  std::vector<RollupSpec> rollups;
  bool operator==(const TablePlan&) const;
};

bool operator==(const RollupSpec& a, const RollupSpec& b);

// readings_1m, _1h, _1d with mean, min, max, sum and count.
const std::vector<RollupSpec>& default_rollups();

}  // namespace iot::store
