// The SQL that creates the tables of design §4, as text so that the
// TimescaleDB statements can be tested where no TimescaleDB server runs.
// Every statement is idempotent (IF NOT EXISTS / if_not_exists => true).
// Names must already be checked identifiers (identifier.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iot::store {

struct SchemaNames {
  std::string schema;             // empty: public (PostgreSQL) / main (SQLite)
  std::string table = "readings";
};

// Rollup periods: the suffix of the view and its bucket width.
struct RollupPeriod {
  const char* suffix;     // "1m"
  const char* interval;   // "1 minute"
  const char* trunc;      // date_trunc unit for plain PostgreSQL: "minute"
};
const std::vector<RollupPeriod>& rollup_periods();

std::vector<std::string> sqlite_schema_sql(const SchemaNames& names);

std::vector<std::string> pg_base_schema_sql(const SchemaNames& names);
// Hypertable (1-day chunks), compression after 7 days segmented by device
// and metric, optional retention, continuous aggregates with refresh policies.
std::vector<std::string> pg_timescale_sql(const SchemaNames& names, std::optional<std::int64_t> retention_seconds,
                                          bool rollups);
// Plain PostgreSQL: BRIN index on time, rollups as materialized views.
std::vector<std::string> pg_plain_extras_sql(const SchemaNames& names, bool rollups);
std::vector<std::string> pg_refresh_rollups_sql(const SchemaNames& names);

}  // namespace iot::store
