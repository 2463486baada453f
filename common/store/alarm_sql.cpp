#include "store/alarm_sql.hpp"

#include <set>
#include <tuple>

#include "core/time_text.hpp"
#include "store/alarm_state.hpp"
#include "store/identifier.hpp"
#include "store/sqlite_handle.hpp"

namespace iot::store {
namespace {

// An alarm is one rule's check on one metric of one device.
using AlarmKey = std::tuple<std::string, std::string, std::string, std::string>;
AlarmKey key_of(const AlarmRow& a) { return {a.device_id, a.rule, a.check, a.metric}; }

std::string time_of_ms(std::int64_t ms) { return time_text::rfc3339_micros(ms * 1'000'000); }
std::optional<std::string> time_of_ms(const std::optional<std::int64_t>& ms) {
  if (!ms) return std::nullopt;
  return time_of_ms(*ms);
}
std::optional<std::string> opt_text(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

constexpr const char* kColumns =
    " (msg_id, device_id, rule, check_name, metric, state, value, since_ms, ts_ms, time, detail, topic)";
constexpr const char* kStateColumns =
    " (device_id, rule, check_name, metric, active, first_seen, last_seen, raises, cleared_at)";
constexpr const char* kKeyWhere = " WHERE device_id = $1 AND rule = $2 AND check_name = $3 AND metric = $4";
constexpr const char* kStateUpsert =
    " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (device_id, rule, check_name, metric) DO UPDATE SET"
    " active = excluded.active, first_seen = excluded.first_seen, last_seen = excluded.last_seen,"
    " raises = excluded.raises, cleared_at = excluded.cleared_at";

Error sqlite_rejected(sqlite3* db) { return make_error(ErrorKind::bad_input, "db_rejected", sqlite3_errmsg(db)); }

void bind(sqlite3_stmt* st, int i, const std::optional<std::string>& v) {
  if (v) sqlite3_bind_text(st, i, v->data(), static_cast<int>(v->size()), SQLITE_TRANSIENT);
  else sqlite3_bind_null(st, i);
}
void bind(sqlite3_stmt* st, int i, const std::string& v) {
  sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

}  // namespace

std::vector<std::string> sqlite_alarm_schema_sql() {
  return {
      std::string("CREATE TABLE IF NOT EXISTS alarms (msg_id TEXT PRIMARY KEY, device_id TEXT NOT NULL,"
                  " rule TEXT NOT NULL, check_name TEXT NOT NULL, metric TEXT NOT NULL, state TEXT NOT NULL,"
                  " value REAL, since_ms INTEGER NOT NULL, ts_ms INTEGER NOT NULL, time TEXT NOT NULL,"
                  " detail TEXT, topic TEXT)"),
      "CREATE INDEX IF NOT EXISTS alarms_by_alarm ON alarms (device_id, rule, check_name, metric, ts_ms)",
      "CREATE TABLE IF NOT EXISTS alarm_state (device_id TEXT NOT NULL, rule TEXT NOT NULL,"
      " check_name TEXT NOT NULL, metric TEXT NOT NULL, active INTEGER NOT NULL, first_seen TEXT,"
      " last_seen TEXT, raises INTEGER NOT NULL, cleared_at TEXT,"
      " PRIMARY KEY (device_id, rule, check_name, metric))",
  };
}

std::vector<std::string> pg_alarm_schema_sql(const std::string& schema) {
  return {
      "CREATE TABLE IF NOT EXISTS " + qualified_name(schema, "alarms") +
          " (msg_id text PRIMARY KEY, device_id text NOT NULL, rule text NOT NULL, check_name text NOT NULL,"
          " metric text NOT NULL, state text NOT NULL, value double precision, since_ms bigint NOT NULL,"
          " ts_ms bigint NOT NULL, time timestamptz NOT NULL, detail text, topic text)",
      "CREATE INDEX IF NOT EXISTS alarms_by_alarm ON " + qualified_name(schema, "alarms") +
          " (device_id, rule, check_name, metric, ts_ms)",
      "CREATE TABLE IF NOT EXISTS " + qualified_name(schema, "alarm_state") +
          " (device_id text NOT NULL, rule text NOT NULL, check_name text NOT NULL, metric text NOT NULL,"
          " active boolean NOT NULL, first_seen timestamptz, last_seen timestamptz, raises bigint NOT NULL,"
          " cleared_at timestamptz, PRIMARY KEY (device_id, rule, check_name, metric))",
  };
}

Result<AlarmWriteStats> write_alarms_sqlite(sqlite3* db, const std::vector<AlarmRow>& alarms) {
  AlarmWriteStats stats;
  if (alarms.empty()) return stats;
  auto insert = sqlite_prepare(db, std::string("INSERT INTO alarms") + kColumns +
                                       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (msg_id) DO NOTHING");
  if (!insert) return insert.error();
  std::set<AlarmKey> touched;
  for (const auto& a : alarms) {
    sqlite3_stmt* st = insert->get();
    sqlite3_reset(st);
    bind(st, 1, a.msg_id);
    bind(st, 2, a.device_id);
    bind(st, 3, a.rule);
    bind(st, 4, a.check);
    bind(st, 5, a.metric);
    bind(st, 6, std::string(a.raise ? "raise" : "clear"));
    if (a.value) sqlite3_bind_double(st, 7, *a.value);
    else sqlite3_bind_null(st, 7);
    sqlite3_bind_int64(st, 8, a.since_ms);
    sqlite3_bind_int64(st, 9, a.ts_ms);
    bind(st, 10, time_of_ms(a.ts_ms));
    bind(st, 11, opt_text(a.detail));
    bind(st, 12, opt_text(a.topic));
    if (sqlite3_step(st) != SQLITE_DONE) return sqlite_rejected(db);
    if (sqlite3_changes(db) > 0) {
      ++stats.inserted;
      touched.insert(key_of(a));
    } else {
      ++stats.duplicates;
    }
  }
  auto select = sqlite_prepare(db, std::string("SELECT state, ts_ms, since_ms, msg_id FROM alarms") + kKeyWhere);
  if (!select) return select.error();
  auto upsert = sqlite_prepare(db, std::string("INSERT INTO alarm_state") + kStateColumns + kStateUpsert);
  if (!upsert) return upsert.error();
  for (const auto& [device, rule, check, metric] : touched) {
    sqlite3_stmt* st = select->get();
    sqlite3_reset(st);
    bind(st, 1, device);
    bind(st, 2, rule);
    bind(st, 3, check);
    bind(st, 4, metric);
    std::vector<AlarmEvent> events;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const auto* state = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      const auto* id = reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
      events.push_back({std::string_view(state ? state : "") == "raise", sqlite3_column_int64(st, 1),
                        sqlite3_column_int64(st, 2), id ? id : ""});
    }
    if (rc != SQLITE_DONE) return sqlite_rejected(db);
    AlarmState s = fold_alarm_state(std::move(events));
    sqlite3_stmt* up = upsert->get();
    sqlite3_reset(up);
    bind(up, 1, device);
    bind(up, 2, rule);
    bind(up, 3, check);
    bind(up, 4, metric);
    sqlite3_bind_int(up, 5, s.active ? 1 : 0);
    bind(up, 6, time_of_ms(s.first_seen_ms));
    bind(up, 7, time_of_ms(s.last_seen_ms));
    sqlite3_bind_int64(up, 8, s.raises);
    bind(up, 9, time_of_ms(s.cleared_at_ms));
    if (sqlite3_step(up) != SQLITE_DONE) return sqlite_rejected(db);
  }
  return stats;
}

AlarmWriteStats write_alarms_pg(pqxx::work& tx, const std::string& schema, const std::vector<AlarmRow>& alarms) {
  AlarmWriteStats stats;
  if (alarms.empty()) return stats;
  const std::string table = qualified_name(schema, "alarms");
  const std::string insert = "INSERT INTO " + table + kColumns +
                             " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (msg_id) DO NOTHING";
  std::set<AlarmKey> touched;
  for (const auto& a : alarms) {
    auto r = tx.exec_params(insert, a.msg_id, a.device_id, a.rule, a.check, a.metric,
                            std::string(a.raise ? "raise" : "clear"), a.value, a.since_ms, a.ts_ms,
                            time_of_ms(a.ts_ms), opt_text(a.detail), opt_text(a.topic));
    if (r.affected_rows() > 0) {
      ++stats.inserted;
      touched.insert(key_of(a));
    } else {
      ++stats.duplicates;
    }
  }
  const std::string select = "SELECT state, ts_ms, since_ms, msg_id FROM " + table + kKeyWhere;
  const std::string upsert = "INSERT INTO " + qualified_name(schema, "alarm_state") + kStateColumns + kStateUpsert;
  for (const auto& [device, rule, check, metric] : touched) {
    std::vector<AlarmEvent> events;
    for (const auto& row : tx.exec_params(select, device, rule, check, metric))
      events.push_back({row[0].as<std::string>() == "raise", row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
                        row[3].as<std::string>()});
    AlarmState s = fold_alarm_state(std::move(events));
    tx.exec_params(upsert, device, rule, check, metric, s.active, time_of_ms(s.first_seen_ms),
                   time_of_ms(s.last_seen_ms), s.raises, time_of_ms(s.cleared_at_ms));
  }
  return stats;
}

}  // namespace iot::store
