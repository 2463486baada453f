#include "store/sqlite_sink.hpp"

#include <chrono>
#include <thread>

#include "store/alarm_sql.hpp"
#include "store/identifier.hpp"
#include "store/record_sql.hpp"
#include "store/schema_sql.hpp"
#include "core/time_text.hpp"

namespace iot::store {
namespace {

void bind_text(sqlite3_stmt* st, int i, std::string_view s) {  // s outlives the step (SQLITE_STATIC)
  if (s.empty())
    sqlite3_bind_null(st, i);
  else
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
}
void bind_double(sqlite3_stmt* st, int i, std::optional<double> v) {
  if (v)
    sqlite3_bind_double(st, i, *v);
  else
    sqlite3_bind_null(st, i);
}
void bind_int(sqlite3_stmt* st, int i, std::optional<std::int64_t> v) {
  if (v)
    sqlite3_bind_int64(st, i, *v);
  else
    sqlite3_bind_null(st, i);
}

// Runs a bound statement once and resets it; SQLITE_DONE is success.
Status step_once(sqlite3* db, sqlite3_stmt* st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc == SQLITE_DONE) return ok_status();
  if (rc == SQLITE_FULL || rc == SQLITE_IOERR || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    return make_error(ErrorKind::unavailable, "db_unavailable", std::string("SQLite: ") + sqlite3_errmsg(db));
  return make_error(ErrorKind::bad_input, "db_rejected", std::string("SQLite: ") + sqlite3_errmsg(db));
}

// ON CONFLICT DO NOTHING skips only rows whose key is there already (a
// duplicate). INSERT OR IGNORE would also skip rows that break a CHECK or
// NOT NULL constraint, silently: those must fail, go row by row, and reach
// the DLQ with the database's reason.
// With tag sets, the 11th value is the row's tag_set instead of its tags.
std::string reading_insert_sql(const std::string& table, std::size_t rows, bool tag_sets) {
  std::string sql = "INSERT INTO " + quote_identifier(table) +
                    " (time, device_id, metric, value, quality, tenant, protocol, unit, msg_id, seq, " +
                    (tag_sets ? "tag_set" : "tags") + ", extra) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) sql += i ? ",(?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?)";
  return sql + " ON CONFLICT DO NOTHING";
}

constexpr int kReadingColumns = 12;

// Switching to WAL takes an exclusive lock, and SQLite answers "database is
// locked" at once, without its busy handler, while another connection holds
// the file (two workers starting on one new database). Retried for as long
// as the busy timeout would have waited.
Status set_wal_mode(sqlite3* db) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    auto st = sqlite_exec(db, "PRAGMA journal_mode=WAL");
    if (st || sqlite3_errcode(db) != SQLITE_BUSY || std::chrono::steady_clock::now() >= give_up) return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

Result<std::unique_ptr<SqliteSink>> SqliteSink::open(const std::string& path, const SinkOptions& options) {
  auto table = checked_identifier(options.table);
  if (!table) return table.error();
  auto db = open_sqlite(path, true);
  if (!db) return db.error();
  // WAL: readers never block the writer; NORMAL sync is durable across a
  // crash of this process (not of the machine) and keeps batches fast; FULL
  // (sync_every_commit) survives a power cut too, for an fsync per batch.
  // A page cache big enough for the primary-key B-tree working set: inserts
  // land across every (device, metric), so a small cache turns into random I/O.
  if (auto st = set_wal_mode(db->get()); !st) return st.error();
  const char* sync = options.sync_every_commit ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  for (const char* pragma : {sync, "PRAGMA cache_size=-16384"}) {
    if (auto st = sqlite_exec(db->get(), pragma); !st) return st.error();
  }
  return std::unique_ptr<SqliteSink>(new SqliteSink(std::move(*db), path, options));
}

int SqliteSink::synchronous() const {
  auto st = sqlite_prepare(db_.get(), "PRAGMA synchronous");
  if (!st || sqlite3_step(st->get()) != SQLITE_ROW) return -1;
  return sqlite3_column_int(st->get(), 0);
}

Status SqliteSink::ensure_schema() {
  if (auto st = create_table(options_.table); !st) return st;
  auto tables = sqlite_alarm_schema_sql();
  for (auto& sql : sqlite_record_schema_sql()) tables.push_back(std::move(sql));
  for (const auto& sql : tables) {
    if (auto st = sqlite_exec(db_.get(), sql); !st) return st;
  }
  return prepare_statements();
}

Status SqliteSink::create_table(const std::string& table) {
  SchemaNames names{"", table};
  std::vector<std::string> statements = sqlite_schema_sql(names);
  for (auto& sql : sqlite_rollup_sql(names, options_.plans.plan_for(table))) statements.push_back(std::move(sql));
  for (const auto& sql : statements) {
    if (auto st = sqlite_exec(db_.get(), sql); !st) return st;
  }
  if (options_.tag_sets) return create_tag_sets(table);
  return ok_status();
}

Result<SqliteSink::ReadingInserts> SqliteSink::prepare_inserts(const std::string& table) {
  const bool sets = options_.tag_sets;
  auto one = sqlite_prepare(db_.get(), reading_insert_sql(table, 1, sets));
  if (!one) return one.error();
  auto many = sqlite_prepare(db_.get(), reading_insert_sql(table, kRowsPerInsert, sets));
  if (!many) return many.error();
  ReadingInserts inserts{std::move(*one), std::move(*many), {}, {}, {}};
  if (!sets) return inserts;
  const std::string tag_sets = quote_identifier(tag_sets_table(table));
  auto add = sqlite_prepare(db_.get(), "INSERT INTO " + tag_sets + " (tags) VALUES (?) ON CONFLICT (tags) DO NOTHING");
  if (!add) return add.error();
  auto find = sqlite_prepare(db_.get(), "SELECT id FROM " + tag_sets + " WHERE tags = ?");
  if (!find) return find.error();
  inserts.add_tag_set = std::move(*add);
  inserts.find_tag_set = std::move(*find);
  return inserts;
}

Status SqliteSink::create_tag_sets(const std::string& table) {
  auto has = sqlite_prepare(db_.get(), "SELECT 1 FROM pragma_table_info(?) WHERE name = 'tag_set'");
  if (!has) return has.error();
  sqlite3_bind_text(has->get(), 1, table.data(), static_cast<int>(table.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(has->get());
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return make_error(ErrorKind::unavailable, "db_unavailable", std::string("SQLite: ") + sqlite3_errmsg(db_.get()));
  std::vector<std::string> statements = sqlite_tag_set_sql({"", table});
  if (rc == SQLITE_DONE) statements.insert(statements.begin(), sqlite_tag_set_column_sql({"", table}));
  for (const auto& sql : statements) {
    if (auto st = sqlite_exec(db_.get(), sql); !st) return st;
  }
  return ok_status();
}

Result<std::int64_t> SqliteSink::tag_set_id(ReadingInserts& inserts, const SharedText& tags) {
  if (auto id = inserts.tag_set_ids.find(tags)) return *id;
  bind_text(inserts.add_tag_set.get(), 1, tags.view());
  if (auto st = step_once(db_.get(), inserts.add_tag_set.get()); !st) return st.error();
  sqlite3_stmt* find = inserts.find_tag_set.get();
  bind_text(find, 1, tags.view());
  const int rc = sqlite3_step(find);
  const std::int64_t id = sqlite3_column_int64(find, 0);
  sqlite3_reset(find);
  if (rc != SQLITE_ROW)
    return make_error(ErrorKind::unavailable, "db_unavailable", std::string("SQLite: tag set not found after storing it: ") +
                                                                 sqlite3_errmsg(db_.get()));
  inserts.tag_set_ids.learn(tags.view(), id);
  return id;
}

void SqliteSink::settle_tag_set_ids(bool committed) {
  if (!options_.tag_sets) return;
  auto settle = [committed](ReadingInserts& i) { committed ? i.tag_set_ids.commit() : i.tag_set_ids.rollback(); };
  settle(insert_reading_);
  for (auto& [table, inserts] : inserts_) settle(inserts);
}

Status SqliteSink::prepare_statements() {
  auto r = prepare_inserts(options_.table);
  if (!r) return r.error();
  insert_reading_ = std::move(*r);
  auto g = sqlite_prepare(db_.get(),
                          "INSERT INTO gaps (device_id, from_seq, to_seq, detected_at, filled_at) VALUES (?,?,?,?,?)"
                          " ON CONFLICT (device_id, from_seq) DO UPDATE SET to_seq = excluded.to_seq,"
                          " filled_at = excluded.filled_at WHERE ?6");
  if (!g) return g.error();
  upsert_gap_ = std::move(*g);
  auto d = sqlite_prepare(db_.get(),
                          "DELETE FROM gaps WHERE device_id = ? AND from_seq BETWEEN ? AND ? AND filled_at IS NULL");
  if (!d) return d.error();
  delete_open_gaps_ = std::move(*d);
  auto w = sqlite_prepare(db_.get(),
                          "INSERT INTO waveforms (upload_id, device_id, time, sample_rate_hz, sample_count,"
                          " format, sha256, blob, rms, peak, crest, dominant_hz) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
                          " ON CONFLICT DO NOTHING");
  if (!w) return w.error();
  insert_waveform_ = std::move(*w);
  return ok_status();
}

Result<WriteStats> SqliteSink::write(const Batch& batch) {
  if (!insert_reading_.one) {
    if (auto st = ensure_schema(); !st) return st.error();
  }
  if (auto st = sqlite_exec(db_.get(), "BEGIN IMMEDIATE"); !st)
    return make_error(ErrorKind::unavailable, "db_unavailable", st.error().message);
  auto stats = write_in_transaction(batch);
  if (!stats) {
    (void)sqlite_exec(db_.get(), "ROLLBACK");
    settle_tag_set_ids(false);
    return stats;
  }
  if (auto st = sqlite_exec(db_.get(), "COMMIT"); !st) {
    (void)sqlite_exec(db_.get(), "ROLLBACK");
    settle_tag_set_ids(false);
    return make_error(ErrorKind::unavailable, "db_unavailable", st.error().message);
  }
  settle_tag_set_ids(true);
  return stats;
}

Result<SqliteSink::ReadingInserts*> SqliteSink::inserts_for(const std::string& table) {
  if (table.empty() || table == options_.table) return &insert_reading_;
  if (auto it = inserts_.find(table); it != inserts_.end()) return &it->second;
  auto name = checked_identifier(table);
  if (!name) return name.error();
  if (auto st = create_table(table); !st) return st.error();
  auto r = prepare_inserts(table);
  if (!r) return r.error();
  return &inserts_.emplace(table, std::move(*r)).first->second;
}

Status SqliteSink::insert_readings(ReadingInserts& inserts, sqlite3_stmt* st, const std::vector<ReadingRow>& rows,
                                   std::size_t first, std::size_t n, WriteStats& stats) {
  for (std::size_t k = 0; k < n; ++k) {
    const ReadingRow& r = rows[first + k];
    const int at = static_cast<int>(k) * kReadingColumns;
    // The readings of a message share one time: formatted once. The text
    // is bound SQLITE_TRANSIENT, as a later row of the statement may change it.
    if (time_of_text_ != r.time_ns) {
      time_.clear();
      time_text::append_rfc3339_micros(time_, r.time_ns);
      time_of_text_ = r.time_ns;
    }
    sqlite3_bind_text(st, at + 1, time_.data(), static_cast<int>(time_.size()), SQLITE_TRANSIENT);
    bind_text(st, at + 2, r.device_id);
    bind_text(st, at + 3, r.metric);
    bind_double(st, at + 4, r.value);
    sqlite3_bind_int(st, at + 5, r.quality);
    bind_text(st, at + 6, r.tenant);
    bind_text(st, at + 7, r.protocol);
    bind_text(st, at + 8, r.unit);
    bind_text(st, at + 9, r.msg_id);
    bind_int(st, at + 10, r.seq);
    if (!options_.tag_sets || r.tags_json.empty()) {
      bind_text(st, at + 11, r.tags_json);
    } else {
      auto id = tag_set_id(inserts, r.tags_json);
      if (!id) return id.error();
      sqlite3_bind_int64(st, at + 11, *id);
    }
    bind_text(st, at + 12, r.extra_json);
  }
  if (auto s = step_once(db_.get(), st); !s) return s;
  const auto inserted = static_cast<std::size_t>(sqlite3_changes(db_.get()));
  stats.inserted += inserted;
  stats.duplicates += n - inserted;
  return ok_status();
}

Result<WriteStats> SqliteSink::write_in_transaction(const Batch& batch) {
  WriteStats stats;
  const auto& rows = batch.readings;
  // Runs of rows for one table, kRowsPerInsert to a statement, the rest one by one.
  for (std::size_t i = 0; i < rows.size();) {
    auto inserts = inserts_for(rows[i].table);
    if (!inserts) return inserts.error();
    std::size_t run = 1;
    while (i + run < rows.size() && rows[i + run].table == rows[i].table) ++run;
    for (const std::size_t end = i + run; i < end;) {
      const bool whole = end - i >= kRowsPerInsert;
      const std::size_t n = whole ? kRowsPerInsert : 1;
      if (auto s = insert_readings(**inserts, whole ? (*inserts)->many.get() : (*inserts)->one.get(), rows, i, n, stats);
          !s)
        return s.error();
      i += n;
    }
  }
  for (const auto& g : batch.gaps) {
    if (auto s = insert_gap(g); !s) return s.error();
  }
  for (const auto& w : batch.waveforms) {
    if (auto s = insert_waveform(w); !s) return s.error();
  }
  auto alarms = write_alarms_sqlite(db_.get(), batch.alarms);
  if (!alarms) return alarms.error();
  stats.alarms = alarms->inserted;
  stats.alarm_duplicates = alarms->duplicates;
  auto records = write_records_sqlite(db_.get(), batch.records);
  if (!records) return records.error();
  stats.records = records->written;
  stats.record_unchanged = records->unchanged;
  return stats;
}

Status SqliteSink::upsert_gap(const std::string& device, std::int64_t from, std::int64_t to,
                              const std::string& detected, const std::string& filled, bool overwrite) {
  sqlite3_stmt* st = upsert_gap_.get();
  bind_text(st, 1, device);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  bind_text(st, 4, detected);
  bind_text(st, 5, filled);
  sqlite3_bind_int(st, 6, overwrite ? 1 : 0);
  return step_once(db_.get(), st);
}

Status SqliteSink::insert_gap(const GapRow& g) {
  std::string detected = time_text::rfc3339_micros(g.detected_ns);
  if (!g.replace) return upsert_gap(g.device_id, g.from_seq, g.to_seq, detected, "", false);
  sqlite3_stmt* del = delete_open_gaps_.get();
  bind_text(del, 1, g.device_id);
  sqlite3_bind_int64(del, 2, g.from_seq);
  sqlite3_bind_int64(del, 3, g.to_seq);
  if (auto st = step_once(db_.get(), del); !st) return st;
  for (const auto& [from, to] : g.remaining) {
    if (auto st = upsert_gap(g.device_id, from, to, detected, "", true); !st) return st;
  }
  if (g.filled_ns) return upsert_gap(g.device_id, g.from_seq, g.to_seq, detected, time_text::rfc3339_micros(*g.filled_ns), true);
  return ok_status();
}

Status SqliteSink::insert_waveform(const WaveformRow& w) {
  sqlite3_stmt* st = insert_waveform_.get();
  std::string time = time_text::rfc3339_micros(w.time_ns);
  bind_text(st, 1, w.upload_id);
  bind_text(st, 2, w.device_id);
  bind_text(st, 3, time);
  bind_double(st, 4, w.sample_rate_hz);
  bind_int(st, 5, w.sample_count);
  bind_text(st, 6, w.format);
  bind_text(st, 7, w.sha256);
  bind_text(st, 8, w.blob);
  bind_double(st, 9, w.rms);
  bind_double(st, 10, w.peak);
  bind_double(st, 11, w.crest);
  bind_text(st, 12, w.dominant_hz_json);
  return step_once(db_.get(), st);
}

// The rollups are views (nothing to refresh); what is left is the retention
// of raw rows, for the default table and every table the registry names.
Status SqliteSink::refresh_rollups() {
  std::vector<std::string> tables = {options_.table};
  for (const auto& [name, plan] : options_.plans.tables)
    if (name != options_.table) tables.push_back(name);
  for (const auto& table : tables) {
    for (const auto& sql : sqlite_retention_sql({"", table}, options_.plans.plan_for(table))) {
      auto st = sqlite_exec(db_.get(), sql);
      if (!st && st.error().message.find("no such table") == std::string::npos) return st;
    }
  }
  return ok_status();
}

}  // namespace iot::store
