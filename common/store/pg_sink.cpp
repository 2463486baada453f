#include "store/pg_sink.hpp"

#include <fmt/format.h>

#include <libpq-fe.h>

#include <map>
#include <pqxx/tablewriter>

#include "core/duration.hpp"
#include "store/alarm_sql.hpp"
#include "store/copy_text.hpp"
#include "store/identifier.hpp"
#include "store/record_sql.hpp"
#include "core/time_text.hpp"

namespace iot::store {
namespace {

constexpr int kStagingAfterConflict = 16;  // batches that take the safe path after a conflict
// COPY data goes out in pieces this big while the rest is still being
// encoded, so that the server works on the first rows meanwhile (one piece
// per batch left it waiting for the whole batch to be encoded).
constexpr std::size_t kCopyChunkBytes = 64u << 10;

std::optional<std::string> opt_text(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

// A failed COPY as the exception libpqxx would throw for it, so that the
// staging fallback (unique_violation) and pg_error() treat both alike.
[[noreturn]] void throw_copy_error(PGconn* pg, PGresult* res, const std::string& sql) {
  std::string message = res ? PQresultErrorMessage(res) : PQerrorMessage(pg);
  const char* field = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string state = field ? field : "";
  PQclear(res);
  if (PQstatus(pg) == CONNECTION_BAD) throw pqxx::broken_connection(message);
  if (state == "23505") throw pqxx::unique_violation(message, sql, state.c_str());
  throw pqxx::sql_error(message, sql, state.empty() ? nullptr : state.c_str());
}

// The results of a finished COPY: its status, then nothing more.
void finish_copy(PGconn* pg, const std::string& sql) {
  PGresult* failed = nullptr;
  while (PGresult* res = PQgetResult(pg)) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK && !failed) {
      failed = res;
      continue;
    }
    PQclear(res);
  }
  if (failed) throw_copy_error(pg, failed, sql);
}

}  // namespace

// libpqxx 6.4 has no binary COPY and no public libpq handle; its connection
// policies are the documented way to take part in connecting, and this one
// keeps the handle (replaced on every reconnect, cleared on close).
class PgConnection : public pqxx::connection_base {
  class KeepHandle : public pqxx::connect_direct {
   public:
    using connect_direct::connect_direct;
    handle do_startconnect(handle orig) override { return raw = connect_direct::do_startconnect(orig); }
    handle do_dropconnect(handle orig) noexcept override {
      raw = nullptr;
      return connect_direct::do_dropconnect(orig);
    }
    handle do_disconnect(handle orig) noexcept override {
      raw = nullptr;
      return connect_direct::do_disconnect(orig);
    }
    PGconn* raw = nullptr;
  };

 public:
  // The same order of members as libpqxx's own connection types.
  explicit PgConnection(const std::string& options)
      : connection_base(policy_), options_(options), policy_(options_) {
    init();
  }
  ~PgConnection() { close(); }
  PGconn* raw() const { return policy_.raw; }

 private:
  std::string options_;
  KeepHandle policy_;
};

PgSink::PgSink(std::string url, SinkOptions options, SchemaNames names)
    : url_(std::move(url)), options_(std::move(options)), names_(std::move(names)) {}
PgSink::~PgSink() = default;

Error pg_error(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) || dynamic_cast<const pqxx::in_doubt_error*>(&e))
    return make_error(ErrorKind::unavailable, "db_unavailable", std::string("PostgreSQL: ") + e.what());
  if (auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    std::string state = sql->sqlstate();
    // 08: connection, 53: resources, 57: operator intervention (shutdown), 40: rollback
    if (state.rfind("08", 0) == 0 || state.rfind("53", 0) == 0 || state.rfind("57", 0) == 0 ||
        state.rfind("40", 0) == 0 || state.empty())
      return make_error(ErrorKind::unavailable, "db_unavailable", std::string("PostgreSQL: ") + e.what());
    return make_error(ErrorKind::bad_input, "db_rejected", std::string("PostgreSQL: ") + e.what());
  }
  return make_error(ErrorKind::unavailable, "db_unavailable", std::string("PostgreSQL: ") + e.what());
}

Result<std::unique_ptr<PgSink>> PgSink::open(const std::string& url, const SinkOptions& options) {
  auto table = checked_identifier(options.table);
  if (!table) return table.error();
  if (!options.schema.empty()) {
    if (auto s = checked_identifier(options.schema); !s) return s.error();
  }
  std::unique_ptr<PgSink> sink(new PgSink(url, options, SchemaNames{options.schema, options.table}));
  (void)sink->connect();  // a database away at start is reported by ensure_schema/write
  return sink;
}

Status PgSink::connect() {
  try {
    conn_ = std::make_unique<PgConnection>(url_);
    known_tables_.clear();
    layouts_.clear();
    tag_set_ids_.clear();  // they were learnt from the database: a new connection may meet another one
    return ok_status();
  } catch (const std::exception& e) {
    conn_.reset();
    return make_error(ErrorKind::unavailable, "db_unavailable", std::string("PostgreSQL: ") + e.what());
  }
}

Status PgSink::reconnect() { return connect(); }

std::string PgSink::describe() const {
  if (!conn_) return "postgresql";
  return fmt::format("postgresql://{}:{}/{}", conn_->hostname() ? conn_->hostname() : "",
                     conn_->port() ? conn_->port() : "", conn_->dbname() ? conn_->dbname() : "");
}

Status PgSink::ensure_schema() {
  if (!conn_) {
    if (auto st = connect(); !st) return st;
  }
  try {
    pqxx::work tx(*conn_);
    // Several workers may start at once: serialize the DDL.
    tx.exec("SELECT pg_advisory_xact_lock(7306480917)");
    for (const auto& sql : pg_base_schema_sql(names_)) tx.exec(sql);
    for (const auto& sql : pg_alarm_schema_sql(names_.schema)) tx.exec(sql);
    create_timescale_or_plain(tx);
    if (options_.tag_sets)
      for (const auto& sql : pg_tag_set_sql(names_)) tx.exec(sql);
    create_record_tables(tx);
    tx.commit();
    schema_ready_ = true;
    return ok_status();
  } catch (const std::exception& e) {
    return pg_error(e);
  }
}

void PgSink::create_timescale_or_plain(pqxx::work& tx) {
  note_.clear();
  bool available = !tx.exec("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'").empty();
  if (available) {
    try {
      pqxx::subtransaction sub(tx, "timescale");
      sub.exec("CREATE EXTENSION IF NOT EXISTS timescaledb");
      for (const auto& sql : pg_timescale_sql(names_, options_.plans.plan_for(names_.table))) sub.exec(sql);
      sub.commit();
      timescale_ = true;
      note_ = "TimescaleDB: hypertable with 1-day chunks, compression after 7 days, continuous aggregates";
      if (options_.plans.any_median())
        note_ += "; rollups with median are materialized views refreshed by iot-ingest --refresh-rollups "
                 "(a continuous aggregate cannot hold percentile_cont)";
      return;
    } catch (const std::exception& e) {
      note_ = std::string("TimescaleDB is available but could not be set up (") + e.what() + "); ";
    }
  }
  for (const auto& sql : pg_plain_extras_sql(names_, options_.plans.plan_for(names_.table))) tx.exec(sql);
  note_ += "TimescaleDB not present: plain PostgreSQL with a BRIN index on time; rollups are materialized "
           "views refreshed by iot-ingest --refresh-rollups";
}

// The kinds' tables (record_sql.hpp). Making one a hypertable can fail
// where it already exists as a plain table with rows (made before
// TimescaleDB was installed): it then stays a plain table, and the log says so.
void PgSink::create_record_tables(pqxx::work& tx) {
  for (const auto& sql : pg_record_schema_sql(names_.schema, timescale_)) {
    if (sql.rfind("SELECT create_hypertable", 0) != 0) {
      tx.exec(sql);
      continue;
    }
    try {
      pqxx::subtransaction sub(tx, "record_hypertable");
      sub.exec(sql);
      sub.commit();
    } catch (const pqxx::sql_error& e) {
      note_ += std::string("; a kind's table stays a plain table (") + e.what() + ")";
    }
  }
}

// The default table and every table the registry names, where they exist.
// Continuous aggregates refresh outside a transaction (TimescaleDB requires
// it); plain PostgreSQL deletes rows past the retention, then refreshes.
Status PgSink::refresh_rollups() {
  try {
    std::vector<std::string> tables = {names_.table};
    for (const auto& [name, plan] : options_.plans.tables)
      if (name != names_.table) tables.push_back(name);
    for (const auto& table : tables) {
      SchemaNames names{names_.schema, table};
      const TablePlan& plan = options_.plans.plan_for(table);
      pqxx::nontransaction probe(*conn_);
      auto found = probe.exec_params("SELECT to_regclass($1) IS NOT NULL", qualified_name(names_.schema, table));
      probe.commit();
      if (!found[0][0].as<bool>()) continue;
      if (timescale_) {
        pqxx::nontransaction nt(*conn_);
        for (const auto& sql : pg_timescale_refresh_sql(names, plan)) nt.exec(sql);
        continue;
      }
      pqxx::work tx(*conn_);
      for (const auto& sql : pg_refresh_rollups_sql(names, plan)) tx.exec(sql);
      tx.commit();
    }
    return ok_status();
  } catch (const std::exception& e) {
    return pg_error(e);
  }
}

// Binary where every readings column has the type iot-ingest creates (a
// table made beforehand with other types takes text, which converts).
const PgSink::CopyLayout& PgSink::copy_layout(pqxx::transaction_base& tx, const std::string& target) {
  if (auto it = layouts_.find(target); it != layouts_.end()) return it->second;
  auto columns = tx.exec_params(
      "SELECT attname, format_type(atttypid, atttypmod), atthasdef FROM pg_attribute"
      " WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
      target);
  CopyLayout layout;
  std::size_t matching = 0;
  const std::size_t wanted = kReadingColumnCount + (options_.tag_sets ? 1 : 0);
  for (const auto& row : columns) {
    const std::string name = row[0].c_str();
    for (std::size_t c = 0; c < wanted; ++c) {
      if (name != kReadingColumnNames[c]) continue;
      if (row[1].c_str() == std::string(kReadingColumnTypes[c])) ++matching;
      if (!row[2].as<bool>()) layout.omittable |= static_cast<ReadingColumns>(1u << c);
    }
  }
  layout.binary = matching == wanted;
  layout.omittable &= kNullableReadingColumns;
  return layouts_[target] = layout;
}

void PgSink::copy_rows(pqxx::transaction_base& tx, const CopyLayout& layout, const std::string& table,
                       const std::vector<ReadingRow>& rows, const TagSetColumn* tag_sets) {
  bool binary = layout.binary && conn_->raw();
  for (std::size_t i = 0; binary && i < rows.size(); ++i) binary = binary_encodable(rows[i]);
  if (!binary) return copy_text_rows(tx, table, rows, tag_sets);
  ReadingColumns columns = columns_needed(rows, layout.omittable);
  if (tag_sets) columns = columns_with_tag_sets(columns, *tag_sets);
  copy_binary_rows(tx, table, rows, columns, tag_sets);
}

// The ids known are looked up here; the others go to the server in one
// text array, stored where new (two workers storing one set at once: the
// unique key makes one of them wait, then find the other's), and read back.
PgSink::TagSetColumn PgSink::tag_set_ids(pqxx::work& tx, const std::string& table, const std::vector<ReadingRow>& rows) {
  TagSetIds& known = tag_set_ids_[table];
  TagSetColumn ids(rows.size());
  std::vector<std::size_t> unknown_rows;
  std::string array = "{";  // the unknown texts as a text[] literal, each once
  std::map<std::string_view, std::size_t> unknown_texts;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const SharedText& tags = rows[i].tags_json;
    if (tags.empty()) continue;
    if ((ids[i] = known.find(tags))) continue;
    unknown_rows.push_back(i);
    if (!unknown_texts.emplace(tags.view(), unknown_texts.size() + 1).second) continue;
    if (array.size() > 1) array += ',';
    array += '"';
    for (char c : tags.view()) {
      if (c == '"' || c == '\\') array += '\\';
      array += c;
    }
    array += '"';
  }
  if (unknown_rows.empty()) return ids;
  array += '}';
  const std::string sets = qualified_name(names_.schema, tag_sets_table(table));
  tx.exec_params("INSERT INTO " + sets + " (tags) SELECT DISTINCT t::jsonb FROM unnest($1::text[]) AS u(t)"
                 " ON CONFLICT DO NOTHING", array);
  auto found = tx.exec_params("SELECT u.n, s.id FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) JOIN " + sets +
                                  " s ON md5(s.tags::text) = md5(u.t::jsonb::text)",
                              array);
  std::vector<std::int64_t> by_position(unknown_texts.size() + 1, 0);
  for (const auto& row : found) by_position.at(row[0].as<std::size_t>()) = row[1].as<std::int64_t>();
  for (const auto& [text, position] : unknown_texts) {
    if (!by_position[position]) throw pqxx::sql_error("tag set not found after storing it: " + std::string(text));
    known.learn(text, by_position[position]);
  }
  for (std::size_t i : unknown_rows) ids[i] = by_position[unknown_texts.at(rows[i].tags_json.view())];
  return ids;
}

void PgSink::settle_tag_set_ids(bool committed) {
  for (auto& [table, ids] : tag_set_ids_) committed ? ids.commit() : ids.rollback();
}

// libpqxx starts the COPY (and with it the transaction, which it only
// begins with the first statement); the data and the end go straight through
// libpq on the same connection. libpqxx sends nothing until the COPY is
// finished, or failed and drained.
void PgSink::copy_binary_rows(pqxx::transaction_base& tx, const std::string& table,
                              const std::vector<ReadingRow>& rows, ReadingColumns columns, const TagSetColumn* tag_sets) {
  const std::string sql = "COPY " + table + " (" + reading_column_list(columns) + ") FROM STDIN (FORMAT binary)";
  tx.exec(sql);
  PGconn* pg = conn_->raw();
  auto put = [&](const std::string& data) {
    if (PQputCopyData(pg, data.data(), static_cast<int>(data.size())) != 1) throw_copy_error(pg, nullptr, sql);
  };
  try {
    copy_buffer_.clear();
    append_copy_binary_header(copy_buffer_);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      append_copy_binary_reading(copy_buffer_, rows[i], columns, tag_sets ? (*tag_sets)[i] : std::nullopt);
      if (copy_buffer_.size() >= kCopyChunkBytes) {
        put(copy_buffer_);
        copy_buffer_.clear();
      }
    }
    append_copy_binary_trailer(copy_buffer_);
    put(copy_buffer_);
  } catch (...) {
    // Ends the COPY so that the connection can roll back; the server's error, if any, wins.
    if (PQputCopyEnd(pg, "iot-ingest gave up the COPY") == 1) finish_copy(pg, sql);
    throw;
  }
  if (PQputCopyEnd(pg, nullptr) != 1) throw_copy_error(pg, nullptr, sql);
  finish_copy(pg, sql);
}

void PgSink::copy_text_rows(pqxx::transaction_base& tx, const std::string& table, const std::vector<ReadingRow>& rows,
                            const TagSetColumn* tag_sets) {
  // tablewriter is deprecated in 6.4 but is the one public way to hand
  // libpq whole COPY text lines; several rows go in one call.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  std::vector<std::string> columns = {"time",     "device_id", "metric", "value", "quality", "tenant",
                                      "protocol", "unit",      "msg_id", "seq",   "tags",    "extra"};
  if (tag_sets) columns.push_back("tag_set");
  pqxx::tablewriter writer(tx, table, columns.begin(), columns.end());
#pragma GCC diagnostic pop
  copy_buffer_.clear();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!copy_buffer_.empty()) copy_buffer_ += '\n';
    if (tag_sets)
      append_copy_reading(copy_buffer_, rows[i], (*tag_sets)[i]);
    else
      append_copy_reading(copy_buffer_, rows[i]);
    if (copy_buffer_.size() >= kCopyChunkBytes) {
      writer.write_raw_line(copy_buffer_);
      copy_buffer_.clear();
    }
  }
  if (!copy_buffer_.empty()) writer.write_raw_line(copy_buffer_);
  writer.complete();
}

void PgSink::ensure_table(pqxx::work& tx, const std::string& table) {
  if (table == names_.table || known_tables_.count(table)) return;
  SchemaNames names{names_.schema, table};
  pqxx::subtransaction sub(tx, "new_table");
  sub.exec("SELECT pg_advisory_xact_lock(7306480917)");
  for (const auto& sql : pg_base_schema_sql(names)) sub.exec(sql);
  const TablePlan& plan = options_.plans.plan_for(table);
  const auto extras = timescale_ ? pg_timescale_sql(names, plan) : pg_plain_extras_sql(names, plan);
  for (const auto& sql : extras) sub.exec(sql);
  if (options_.tag_sets)
    for (const auto& sql : pg_tag_set_sql(names)) sub.exec(sql);
  sub.commit();
  known_tables_.insert(table);
}

WriteStats PgSink::write_readings(pqxx::work& tx, const std::vector<ReadingRow>& rows, const std::string& table) {
  WriteStats stats;
  ensure_table(tx, table);
  const std::string target = qualified_name(names_.schema, table);
  const CopyLayout& layout = copy_layout(tx, target);
  TagSetColumn ids;
  if (options_.tag_sets) ids = tag_set_ids(tx, table, rows);
  const TagSetColumn* tag_sets = options_.tag_sets ? &ids : nullptr;
  if (!staging_) {
    // A key conflict fails the COPY and with it the transaction: write()
    // then writes the whole batch again, through the staging table. (A
    // savepoint around the COPY would cost two round trips every batch.)
    copy_rows(tx, layout, target, rows, tag_sets);
    stats.inserted = rows.size();
    return stats;
  }
  const std::string stage = quote_identifier("iot_stage_" + table);
  tx.exec("CREATE TEMP TABLE IF NOT EXISTS " + stage + " (LIKE " + target +
          " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
  copy_rows(tx, layout, stage, rows, tag_sets);
  auto result = tx.exec("INSERT INTO " + target + " SELECT * FROM " + stage + " ON CONFLICT DO NOTHING");
  stats.inserted = result.affected_rows();
  stats.duplicates = rows.size() - stats.inserted;
  return stats;
}

void PgSink::write_gaps(pqxx::work& tx, const Batch& batch) {
  const std::string gaps = qualified_name(names_.schema, "gaps");
  const std::string insert = "INSERT INTO " + gaps +
                             " AS g (device_id, from_seq, to_seq, detected_at, filled_at) VALUES ($1, $2, $3, $4, $5)"
                             " ON CONFLICT (device_id, from_seq) DO ";
  const std::string keep = insert + "NOTHING";
  const std::string overwrite = insert + "UPDATE SET to_seq = excluded.to_seq, filled_at = excluded.filled_at";
  const std::string remove_open =
      "DELETE FROM " + gaps + " WHERE device_id = $1 AND from_seq BETWEEN $2 AND $3 AND filled_at IS NULL";
  const std::optional<std::string> open_row;
  for (const auto& g : batch.gaps) {
    std::string detected = time_text::rfc3339_micros(g.detected_ns);
    if (!g.replace) {
      tx.exec_params(keep, g.device_id, g.from_seq, g.to_seq, detected, open_row);
      continue;
    }
    tx.exec_params(remove_open, g.device_id, g.from_seq, g.to_seq);
    for (const auto& [from, to] : g.remaining) tx.exec_params(overwrite, g.device_id, from, to, detected, open_row);
    if (g.filled_ns)
      tx.exec_params(overwrite, g.device_id, g.from_seq, g.to_seq, detected,
                     std::optional<std::string>(time_text::rfc3339_micros(*g.filled_ns)));
  }
}

void PgSink::write_waveforms(pqxx::work& tx, const Batch& batch) {
  const std::string sql = "INSERT INTO " + qualified_name(names_.schema, "waveforms") +
                          " (upload_id, device_id, time, sample_rate_hz, sample_count, format, sha256, blob, rms,"
                          " peak, crest, dominant_hz) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"
                          " ON CONFLICT (upload_id) DO NOTHING";
  for (const auto& w : batch.waveforms) {
    tx.exec_params(sql, w.upload_id, opt_text(w.device_id), time_text::rfc3339_micros(w.time_ns), w.sample_rate_hz, w.sample_count,
                   opt_text(w.format), opt_text(w.sha256), opt_text(w.blob), w.rms, w.peak, w.crest,
                   opt_text(w.dominant_hz_json));
  }
}

WriteStats PgSink::write_grouped(pqxx::work& tx, const Batch& batch) {
  const std::string& first = batch.readings.front().table;
  bool uniform = true;
  for (const auto& r : batch.readings) uniform = uniform && r.table == first;
  if (uniform) return write_readings(tx, batch.readings, first.empty() ? names_.table : first);
  std::map<std::string, std::vector<ReadingRow>> groups;  // rare: routes with tables of their own
  for (const auto& r : batch.readings) groups[r.table.empty() ? names_.table : r.table].push_back(r);
  WriteStats total;
  for (const auto& [table, rows] : groups) {
    WriteStats s = write_readings(tx, rows, table);
    total.inserted += s.inserted;
    total.duplicates += s.duplicates;
  }
  return total;
}

WriteStats PgSink::write_once(const Batch& batch) {
  pqxx::work tx(*conn_);
  WriteStats stats;
  if (!batch.readings.empty()) stats = write_grouped(tx, batch);
  write_gaps(tx, batch);
  write_waveforms(tx, batch);
  AlarmWriteStats alarms = write_alarms_pg(tx, names_.schema, batch.alarms);
  stats.alarms = alarms.inserted;
  stats.alarm_duplicates = alarms.duplicates;
  RecordWriteStats records = write_records_pg(tx, names_.schema, batch.records);
  stats.records = records.written;
  stats.record_unchanged = records.unchanged;
  tx.commit();
  return stats;
}

Result<WriteStats> PgSink::write(const Batch& batch) {
  if (!conn_ || !conn_->is_open()) {
    if (auto st = connect(); !st) return st.error();
  }
  if (!schema_ready_) {  // the database was away when the run started
    if (auto st = ensure_schema(); !st) return st.error();
  }
  try {
    staging_ = staging_batches_left_ > 0;
    if (staging_) --staging_batches_left_;
    try {
      auto stats = write_once(batch);
      settle_tag_set_ids(true);
      return stats;
    } catch (const pqxx::unique_violation&) {
      settle_tag_set_ids(false);
      if (staging_) throw;
    }
    // The direct COPY met a row already stored: the transaction is rolled
    // back (tables it created too), and the batch goes the safe way.
    staging_batches_left_ = kStagingAfterConflict;
    staging_ = true;
    known_tables_.clear();
    auto stats = write_once(batch);
    settle_tag_set_ids(true);
    return stats;
  } catch (const std::exception& e) {
    settle_tag_set_ids(false);
    Error error = pg_error(e);
    if (error.kind == ErrorKind::unavailable) conn_.reset();
    return error;
  }
}

}  // namespace iot::store
