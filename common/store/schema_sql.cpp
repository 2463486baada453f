#include "store/schema_sql.hpp"

#include <fmt/format.h>

#include "store/identifier.hpp"

namespace iot::store {
namespace {

std::string q(const SchemaNames& n, const std::string& table) { return qualified_name(n.schema, table); }

// The text of a qualified name inside a SQL string literal ('"s"."readings"').
std::string literal_name(const SchemaNames& n, const std::string& table) {
  std::string name = q(n, table), out = "'";
  for (char c : name) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// PostgreSQL's median: the ordered-set aggregate, NULL values left out.
constexpr const char* pg_median = "percentile_cont(0.5) WITHIN GROUP (ORDER BY value)";

// The plan's aggregates as columns named after them ("avg(value) AS mean");
// `median` is the engine's expression for the median.
std::string aggregate_columns(const Rollup& r, const char* median = pg_median) {
  std::string out = "device_id, metric";
  for (const auto& a : r.aggregates) {
    if (a == "mean") out += ", avg(value) AS mean";
    else if (a == "median") out += fmt::format(", {} AS median", median);
    else if (a == "min") out += ", min(value) AS min";
    else if (a == "max") out += ", max(value) AS max";
    else if (a == "sum") out += ", sum(value) AS sum";
    else if (a == "count") out += ", count(*) AS count";
  }
  return out;
}

std::string view_name(const SchemaNames& n, const Rollup& r) { return n.table + "_" + r.suffix(); }

}  // namespace

std::vector<std::string> sqlite_schema_sql(const SchemaNames& n) {
  const std::string t = quote_identifier(n.table);
  // Time leads the primary key and there is no secondary index: readings
  // arrive in time order, so every insert appends at the right edge of one
  // B-tree. Any index led by the device touches one leaf per device in every
  // transaction, which measured 4-6x slower (man iot-ingest: SQLite layout).
  // The key's set of columns, and so what counts as a duplicate, is the same
  // as PostgreSQL's.
  return {
      "CREATE TABLE IF NOT EXISTS " + t +
          " (time TEXT NOT NULL, device_id TEXT NOT NULL, metric TEXT NOT NULL, value REAL,"
          " quality INTEGER NOT NULL DEFAULT 192, tenant TEXT, protocol TEXT, unit TEXT, msg_id TEXT,"
          " seq INTEGER, tags TEXT, extra TEXT, PRIMARY KEY (time, device_id, metric)) WITHOUT ROWID",
      "CREATE TABLE IF NOT EXISTS gaps (device_id TEXT NOT NULL, from_seq INTEGER NOT NULL,"
      " to_seq INTEGER NOT NULL, detected_at TEXT NOT NULL, filled_at TEXT,"
      " PRIMARY KEY (device_id, from_seq))",
      "CREATE TABLE IF NOT EXISTS waveforms (upload_id TEXT PRIMARY KEY, device_id TEXT, time TEXT,"
      " sample_rate_hz REAL, sample_count INTEGER, format TEXT, sha256 TEXT, blob TEXT, rms REAL,"
      " peak REAL, crest REAL, dominant_hz TEXT)",
  };
}

std::vector<std::string> pg_base_schema_sql(const SchemaNames& n) {
  std::vector<std::string> sql;
  if (!n.schema.empty()) sql.push_back("CREATE SCHEMA IF NOT EXISTS " + quote_identifier(n.schema));
  sql.push_back("CREATE TABLE IF NOT EXISTS " + q(n, n.table) +
                " (time timestamptz NOT NULL, device_id text NOT NULL, metric text NOT NULL,"
                " value double precision, quality smallint NOT NULL DEFAULT 192, tenant text, protocol text,"
                " unit text, msg_id text, seq bigint, tags jsonb, extra jsonb,"
                " PRIMARY KEY (device_id, metric, time))");
  sql.push_back("CREATE TABLE IF NOT EXISTS " + q(n, "gaps") +
                " (device_id text NOT NULL, from_seq bigint NOT NULL, to_seq bigint NOT NULL,"
                " detected_at timestamptz NOT NULL DEFAULT now(), filled_at timestamptz,"
                " PRIMARY KEY (device_id, from_seq))");
  sql.push_back("CREATE TABLE IF NOT EXISTS " + q(n, "waveforms") +
                " (upload_id text PRIMARY KEY, device_id text, time timestamptz, sample_rate_hz double precision,"
                " sample_count bigint, format text, sha256 text, blob text, rms double precision,"
                " peak double precision, crest double precision, dominant_hz jsonb)");
  return sql;
}

// SQLite has no median aggregate: each reading is ranked by value within its
// bucket, device and metric (NULL values last, n the values that are not
// NULL), and the median is the mean of the one or two middle ranks.
std::string sqlite_median_view(const SchemaNames& n, const Rollup& r) {
  const auto e = r.every.count();
  const std::string b = fmt::format("CAST(strftime('%s', time) AS INTEGER) / {}", e);
  return fmt::format(
      "CREATE VIEW IF NOT EXISTS {} AS SELECT strftime('%Y-%m-%dT%H:%M:%SZ', b * {}, 'unixepoch') AS bucket, {} "
      "FROM (SELECT device_id, metric, value, {} AS b, "
      "row_number() OVER (PARTITION BY device_id, metric, {} ORDER BY value IS NULL, value) AS rn, "
      "count(value) OVER (PARTITION BY device_id, metric, {}) AS n FROM {}) "
      "GROUP BY b, device_id, metric",
      quote_identifier(view_name(n, r)), e,
      aggregate_columns(r, "avg(CASE WHEN value IS NOT NULL AND rn IN ((n + 1) / 2, (n + 2) / 2) THEN value END)"), b,
      b, b, quote_identifier(n.table));
}

std::vector<std::string> sqlite_rollup_sql(const SchemaNames& n, const TablePlan& plan) {
  std::vector<std::string> sql;
  for (const auto& r : plan.rollups) {
    if (r.has_median()) {
      sql.push_back(sqlite_median_view(n, r));
      continue;
    }
    // time is ISO 8601 text: to Unix seconds, down to the bucket, back to text.
    sql.push_back(fmt::format(
        "CREATE VIEW IF NOT EXISTS {} AS SELECT strftime('%Y-%m-%dT%H:%M:%SZ', "
        "(CAST(strftime('%s', time) AS INTEGER) / {}) * {}, 'unixepoch') AS bucket, {} FROM {} "
        "GROUP BY bucket, device_id, metric",
        quote_identifier(view_name(n, r)), r.every.count(), r.every.count(), aggregate_columns(r),
        quote_identifier(n.table)));
  }
  return sql;
}

std::vector<std::string> sqlite_retention_sql(const SchemaNames& n, const TablePlan& plan) {
  if (!plan.retention) return {};
  // ISO 8601 text in UTC compares in time order.
  return {fmt::format("DELETE FROM {} WHERE time < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-{} seconds')",
                      quote_identifier(n.table), plan.retention->count())};
}

std::vector<std::string> pg_timescale_sql(const SchemaNames& n, const TablePlan& plan) {
  const std::string lit = literal_name(n, n.table);
  std::vector<std::string> sql = {
      "SELECT create_hypertable(" + lit +
          ", 'time', chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE, migrate_data => TRUE)",
      "ALTER TABLE " + q(n, n.table) +
          " SET (timescaledb.compress, timescaledb.compress_segmentby = 'device_id, metric',"
          " timescaledb.compress_orderby = 'time DESC')",
      "SELECT add_compression_policy(" + lit + ", INTERVAL '7 days', if_not_exists => TRUE)",
  };
  if (plan.retention)
    sql.push_back(fmt::format("SELECT add_retention_policy({}, INTERVAL '{} seconds', if_not_exists => TRUE)", lit,
                              plan.retention->count()));
  for (const auto& r : plan.rollups) {
    const std::string view = view_name(n, r);
    if (r.has_median()) {
      // A continuous aggregate cannot hold an ordered-set aggregate: a plain
      // materialized view, refreshed by --refresh-rollups like PostgreSQL's.
      sql.push_back(fmt::format(
          "CREATE MATERIALIZED VIEW IF NOT EXISTS {} AS SELECT time_bucket(INTERVAL '{} seconds', time) AS bucket, {} "
          "FROM {} GROUP BY bucket, device_id, metric WITH NO DATA",
          q(n, view), r.every.count(), aggregate_columns(r), q(n, n.table)));
      continue;
    }
    sql.push_back(fmt::format(
        "CREATE MATERIALIZED VIEW IF NOT EXISTS {} WITH (timescaledb.continuous) AS SELECT time_bucket(INTERVAL "
        "'{} seconds', time) AS bucket, {} FROM {} GROUP BY bucket, device_id, metric WITH NO DATA",
        q(n, view), r.every.count(), aggregate_columns(r), q(n, n.table)));
    // Refreshed every period over the last three days (late data lands within that).
    sql.push_back(fmt::format(
        "SELECT add_continuous_aggregate_policy({}, start_offset => INTERVAL '3 days', end_offset => INTERVAL "
        "'{} seconds', schedule_interval => INTERVAL '{} seconds', if_not_exists => TRUE)",
        literal_name(n, view), r.every.count(), r.every.count()));
    if (r.retention)
      sql.push_back(fmt::format("SELECT add_retention_policy({}, INTERVAL '{} seconds', if_not_exists => TRUE)",
                                literal_name(n, view), r.retention->count()));
  }
  return sql;
}

std::vector<std::string> pg_plain_extras_sql(const SchemaNames& n, const TablePlan& plan) {
  std::vector<std::string> sql = {"CREATE INDEX IF NOT EXISTS " + quote_identifier(n.table + "_time_brin") +
                                  " ON " + q(n, n.table) + " USING brin (time)"};
  for (const auto& r : plan.rollups) {
    // date_bin (PostgreSQL 14+) buckets any width, aligned to whole UTC days.
    sql.push_back(fmt::format(
        "CREATE MATERIALIZED VIEW IF NOT EXISTS {} AS SELECT date_bin(INTERVAL '{} seconds', time, "
        "TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, {} FROM {} GROUP BY bucket, device_id, metric WITH NO DATA",
        q(n, view_name(n, r)), r.every.count(), aggregate_columns(r), q(n, n.table)));
  }
  return sql;
}

std::vector<std::string> pg_timescale_refresh_sql(const SchemaNames& n, const TablePlan& plan) {
  std::vector<std::string> sql;
  for (const auto& r : plan.rollups) {
    const std::string view = view_name(n, r);
    if (r.has_median()) sql.push_back("REFRESH MATERIALIZED VIEW " + q(n, view));
    else sql.push_back("CALL refresh_continuous_aggregate(" + literal_name(n, view) + ", NULL, NULL)");
  }
  return sql;
}

std::vector<std::string> pg_refresh_rollups_sql(const SchemaNames& n, const TablePlan& plan) {
  std::vector<std::string> sql;
  if (plan.retention)
    sql.push_back(fmt::format("DELETE FROM {} WHERE time < now() - INTERVAL '{} seconds'", q(n, n.table),
                              plan.retention->count()));
  for (const auto& r : plan.rollups) sql.push_back("REFRESH MATERIALIZED VIEW " + q(n, view_name(n, r)));
  return sql;
}

}  // namespace iot::store
