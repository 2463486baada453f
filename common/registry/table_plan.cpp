#include "store/table_plan.hpp"

namespace iot::store {

bool operator==(const RollupSpec& a, const RollupSpec& b) {
  return a.suffix == b.suffix && a.every_seconds == b.every_seconds && a.aggregates == b.aggregates &&
         a.retention_seconds == b.retention_seconds;
}

bool TablePlan::operator==(const TablePlan& o) const {
  return retention_seconds == o.retention_seconds && rollups == o.rollups;
}

const std::vector<RollupSpec>& default_rollups() {
  static const std::vector<RollupSpec> rollups = [] {
    const std::vector<std::string> all = {"mean", "min", "max", "sum", "count"};
    return std::vector<RollupSpec>{{"1m", 60, all, std::nullopt}, {"1h", 3600, all, std::nullopt},
                                   {"1d", 86400, all, std::nullopt}};
  }();
  return rollups;
}

}  // namespace iot::store
