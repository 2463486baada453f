#include "store/record_sql.hpp"

#include <algorithm>
#include <map>

#include "store/identifier.hpp"
#include "store/sqlite_handle.hpp"

namespace iot::store {
namespace {

enum class Engine { sqlite, pg };

std::string_view type_name(ColumnType type, Engine engine) {
  switch (type) {
    case ColumnType::text: return engine == Engine::sqlite ? "TEXT" : "text";
    case ColumnType::json: return engine == Engine::sqlite ? "TEXT" : "jsonb";
    case ColumnType::time: return engine == Engine::sqlite ? "TEXT" : "timestamptz";
    case ColumnType::real: return engine == Engine::sqlite ? "REAL" : "double precision";
  }
  return "text";
}

std::string joined(std::span<const std::string_view> names, std::string_view prefix = {}) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += prefix;
    out += n;
  }
  return out;
}

std::vector<std::string_view> column_names(const RecordTableSpec& spec) {
  std::vector<std::string_view> names;
  for (const auto& c : spec.columns) names.push_back(c.name);
  return names;
}

// A hypertable's unique key must hold its time column.
std::vector<std::string_view> key_of(const RecordTableSpec& spec, bool hypertable) {
  std::vector<std::string_view> key(spec.key.begin(), spec.key.end());
  if (hypertable) key.push_back(spec.time_column);
  return key;
}

std::vector<std::string> schema_sql(const std::string& table, const RecordTableSpec& spec, Engine engine,
                                    bool hypertable) {
  std::string create = "CREATE TABLE IF NOT EXISTS " + table + " (";
  for (const auto& c : spec.columns) {
    create += std::string(c.name) + " " + std::string(type_name(c.type, engine));
    if (c.required) create += " NOT NULL";
    create += ", ";
  }
  create += "PRIMARY KEY (" + joined(key_of(spec, hypertable)) + "))";
  std::vector<std::string> out{create};
  if (spec.time_series) {
    out.push_back("CREATE INDEX IF NOT EXISTS " + std::string(spec.name) + "_by_device ON " + table + " (device_id, " +
                  std::string(spec.time_column) + ")");
    if (hypertable)
      out.push_back("SELECT create_hypertable('" + table + "', '" + std::string(spec.time_column) +
                    "', chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE, migrate_data => TRUE)");
  }
  return out;
}

// INSERT ... ON CONFLICT: nothing for a copy, or an update only by a newer
// (time, msg_id). `placeholder(i)` spells the i-th parameter (1-based).
template <class Placeholder>
std::string insert_sql(const std::string& table, const RecordTableSpec& spec, bool hypertable, Placeholder placeholder) {
  const auto columns = column_names(spec);
  std::string sql = "INSERT INTO " + table + " AS cur (" + joined(columns) + ") VALUES (";
  for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? "," : "") + placeholder(i + 1);
  sql += ") ON CONFLICT (" + joined(key_of(spec, hypertable)) + ") DO ";
  if (!spec.newer_wins) return sql + "NOTHING";
  sql += "UPDATE SET ";
  bool first = true;
  for (auto c : columns) {
    if (std::find(spec.key.begin(), spec.key.end(), c) != spec.key.end()) continue;
    sql += (first ? "" : ", ") + std::string(c) + " = excluded." + std::string(c);
    first = false;
  }
  const std::string order(spec.time_column);
  return sql + " WHERE (excluded." + order + ", excluded.msg_id) > (cur." + order + ", cur.msg_id)";
}

Error sqlite_rejected(sqlite3* db) {
  return make_error(ErrorKind::bad_input, "db_rejected", std::string("SQLite: ") + sqlite3_errmsg(db));
}

}  // namespace

std::vector<std::string> sqlite_record_schema_sql() {
  std::vector<std::string> out;
  for (const auto& spec : record_tables())
    for (auto& sql : schema_sql(std::string(spec.name), spec, Engine::sqlite, false)) out.push_back(std::move(sql));
  return out;
}

std::vector<std::string> pg_record_schema_sql(const std::string& schema, bool timescale) {
  std::vector<std::string> out;
  for (const auto& spec : record_tables()) {
    auto sql = schema_sql(qualified_name(schema, std::string(spec.name)), spec, Engine::pg, timescale && spec.time_series);
    for (auto& s : sql) out.push_back(std::move(s));
  }
  return out;
}

Result<RecordWriteStats> write_records_sqlite(sqlite3* db, const std::vector<RecordRow>& records) {
  RecordWriteStats stats;
  std::map<RecordTable, SqliteStmt> inserts;
  for (const auto& row : records) {
    auto it = inserts.find(row.table);
    if (it == inserts.end()) {
      const auto& spec = record_table(row.table);
      auto st = sqlite_prepare(db, insert_sql(std::string(spec.name), spec, false, [](std::size_t) { return std::string("?"); }));
      if (!st) return st.error();
      it = inserts.emplace(row.table, std::move(*st)).first;
    }
    sqlite3_stmt* st = it->second.get();
    sqlite3_reset(st);
    int i = 0;
    for (const auto& v : record_values(row)) {
      ++i;
      if (v) sqlite3_bind_text(st, i, v->data(), static_cast<int>(v->size()), SQLITE_TRANSIENT);
      else sqlite3_bind_null(st, i);
    }
    if (sqlite3_step(st) != SQLITE_DONE) return sqlite_rejected(db);
    if (sqlite3_changes(db) > 0) ++stats.written;
    else ++stats.unchanged;
  }
  return stats;
}

RecordWriteStats write_records_pg(pqxx::work& tx, const std::string& schema, const std::vector<RecordRow>& records) {
  RecordWriteStats stats;
  if (records.empty()) return stats;
  // Whether the time-series tables are hypertables decides the conflict key.
  std::map<RecordTable, std::string> inserts;
  for (const auto& row : records) {
    auto it = inserts.find(row.table);
    if (it == inserts.end()) {
      const auto& spec = record_table(row.table);
      const std::string table = qualified_name(schema, std::string(spec.name));
      bool hypertable = false;
      if (spec.time_series) {
        auto found = tx.exec_params(
            "SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indrelid = to_regclass($1) AND i.indisprimary AND a.attname = $2",
            table, std::string(spec.time_column));
        hypertable = found[0][0].as<int>() > 0;
      }
      it = inserts.emplace(row.table, insert_sql(table, spec, hypertable, [](std::size_t n) {
                             return "$" + std::to_string(n);
                           })).first;
    }
    auto values = record_values(row);
    auto r = tx.exec_params(it->second, pqxx::prepare::make_dynamic_params(values));
    if (r.affected_rows() > 0) ++stats.written;
    else ++stats.unchanged;
  }
  return stats;
}

}  // namespace iot::store
