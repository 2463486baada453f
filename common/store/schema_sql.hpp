// The SQL that creates the tables of iot-ingest(1) (Tables), as text so that the
// TimescaleDB statements can be tested where no TimescaleDB server runs.
// Every statement is idempotent (IF NOT EXISTS / if_not_exists => true).
// Names must already be checked identifiers (identifier.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/table_plan.hpp"

namespace iot::store {

using registry::Rollup;
using registry::TablePlan;

struct SchemaNames {
  std::string schema;             // empty: public (PostgreSQL) / main (SQLite)
  std::string table = "readings";
};

std::vector<std::string> sqlite_schema_sql(const SchemaNames& names);
// Rollups as plain views (computed when read: nothing to refresh).
std::vector<std::string> sqlite_rollup_sql(const SchemaNames& names, const TablePlan& plan);
// Retention of raw rows, applied by iot-ingest --refresh-rollups (empty without one).
std::vector<std::string> sqlite_retention_sql(const SchemaNames& names, const TablePlan& plan);

// --tag-sets (iot-ingest(1), Tag sets): TABLE_tag_sets, each distinct tags
// object once, and the view TABLE_tagged, the table with each row's tags
// whether held in the row or by reference. The readings table gains the
// column tag_set: PostgreSQL's statements add it where missing; SQLite has
// no ADD COLUMN IF NOT EXISTS, so its sink runs sqlite_tag_set_column_sql
// first where the column is missing.
std::vector<std::string> sqlite_tag_set_sql(const SchemaNames& names);
std::string sqlite_tag_set_column_sql(const SchemaNames& names);
std::vector<std::string> pg_tag_set_sql(const SchemaNames& names);
std::string tag_sets_table(const std::string& table);
std::string tagged_view(const std::string& table);

std::vector<std::string> pg_base_schema_sql(const SchemaNames& names);
// Hypertable (1-day chunks), compression after 7 days segmented by device
// and metric, the plan's retention, its rollups as continuous aggregates
// with refresh policies (and retention policies of their own); a rollup
// with median as a plain materialized view.
std::vector<std::string> pg_timescale_sql(const SchemaNames& names, const TablePlan& plan);
// TimescaleDB, for --refresh-rollups: every continuous aggregate refreshed
// (CALL, outside a transaction), a rollup with median (a plain materialized
// view there) refreshed as on plain PostgreSQL.
std::vector<std::string> pg_timescale_refresh_sql(const SchemaNames& names, const TablePlan& plan);
// Plain PostgreSQL: BRIN index on time, rollups as materialized views.
std::vector<std::string> pg_plain_extras_sql(const SchemaNames& names, const TablePlan& plan);
// Plain PostgreSQL, for --refresh-rollups: rows past the retention deleted,
// then every rollup view refreshed.
std::vector<std::string> pg_refresh_rollups_sql(const SchemaNames& names, const TablePlan& plan);

}  // namespace iot::store
