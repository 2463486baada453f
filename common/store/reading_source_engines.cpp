// The row cursors behind ReadingSource: SQLite (one stepped statement) and
// PostgreSQL (a server-side cursor fetched in pages): constant memory.
#include <pqxx/pqxx>

#include "store/identifier.hpp"
#include "store/pg_sink.hpp"
#include "store/reading_source_rows.hpp"
#include "store/sqlite_handle.hpp"
#include "core/time_text.hpp"

namespace iot::store::detail {
namespace {

constexpr const char* kColumns = "device_id, metric, time, value, quality, msg_id, seq";
constexpr int kPageRows = 5000;

// WHERE clause with one "?" per value, in the order sqlite binds them.
std::string sqlite_where(const ReadingFilter& f) {
  std::string w = " WHERE 1=1";
  auto in_list = [&](const char* column, std::size_t n) {
    if (n == 0) return;
    w += std::string(" AND ") + column + " IN (";
    for (std::size_t i = 0; i < n; ++i) w += i ? ",?" : "?";
    w += ")";
  };
  in_list("device_id", f.devices.size());
  in_list("metric", f.metrics.size());
  if (f.since_ns) w += " AND time >= ?";
  if (f.until_ns) w += " AND time < ?";
  return w;
}

class SqliteCursor : public RowCursor {
 public:
  SqliteCursor(SqliteDb db, SqliteStmt st) : db_(std::move(db)), st_(std::move(st)) {}
  Result<bool> fetch(SourceRow& row) override {
    if (done_) return false;  // stepping again would restart the statement
    int rc = sqlite3_step(st_.get());
    if (rc == SQLITE_DONE) {
      done_ = true;
      return false;
    }
    if (rc != SQLITE_ROW)
      return make_error(ErrorKind::unavailable, "db_unavailable", std::string("SQLite: ") + sqlite3_errmsg(db_.get()));
    sqlite3_stmt* s = st_.get();
    auto text = [&](int i) {
      auto p = sqlite3_column_text(s, i);
      return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(s, i)) : std::string();
    };
    row.device_id = text(0);
    row.metric = text(1);
    auto t = time_text::parse_iso_ns(text(2), {false, false});
    if (!t) return make_error(ErrorKind::internal, "bad_stored_time", "stored time: " + t.error().message);
    row.time_ns = *t;
    row.value = sqlite3_column_type(s, 3) == SQLITE_NULL ? std::nullopt
                                                         : std::optional<double>(sqlite3_column_double(s, 3));
    row.quality = sqlite3_column_int(s, 4);
    row.msg_id = text(5);
    row.seq = sqlite3_column_type(s, 6) == SQLITE_NULL ? std::nullopt
                                                       : std::optional<std::int64_t>(sqlite3_column_int64(s, 6));
    return true;
  }

 private:
  SqliteDb db_;
  SqliteStmt st_;
  bool done_ = false;
};

class PgCursor : public RowCursor {
 public:
  PgCursor(std::unique_ptr<pqxx::connection> conn, std::string declare)
      : conn_(std::move(conn)), tx_(*conn_), declare_(std::move(declare)) {}
  Result<bool> fetch(SourceRow& row) override {
    try {
      if (!declared_) {
        tx_.exec(declare_);
        declared_ = true;
      }
      if (index_ >= page_.size()) {
        if (done_) return false;
        page_ = tx_.exec("FETCH " + std::to_string(kPageRows) + " FROM iot_reading_source");
        index_ = 0;
        if (page_.size() < static_cast<std::size_t>(kPageRows)) done_ = true;
        if (page_.empty()) return false;
      }
      const auto r = page_[static_cast<int>(index_++)];
      row.device_id = r[0].c_str();
      row.metric = r[1].c_str();
      row.time_ns = r[2].as<std::int64_t>() * 1000;
      row.value = r[3].is_null() ? std::nullopt : std::optional<double>(r[3].as<double>());
      row.quality = r[4].as<int>();
      row.msg_id = r[5].is_null() ? "" : r[5].c_str();
      row.seq = r[6].is_null() ? std::nullopt : std::optional<std::int64_t>(r[6].as<std::int64_t>());
      return true;
    } catch (const std::exception& e) {
      return pg_error(e);
    }
  }

 private:
  std::unique_ptr<pqxx::connection> conn_;
  pqxx::work tx_;
  std::string declare_;
  pqxx::result page_;
  std::size_t index_ = 0;
  bool declared_ = false, done_ = false;
};

}  // namespace

Result<std::unique_ptr<RowCursor>> open_sqlite_cursor(const std::string& path, const ReadingFilter& f) {
  auto db = open_sqlite(path, false);
  if (!db) return db.error();
  auto st = sqlite_prepare(db->get(), std::string("SELECT ") + kColumns + " FROM " + quote_identifier(f.table) +
                                          sqlite_where(f) + " ORDER BY time, device_id, metric");
  if (!st) return st.error();
  int i = 1;
  for (const auto& d : f.devices) sqlite3_bind_text(st->get(), i++, d.c_str(), -1, SQLITE_TRANSIENT);
  for (const auto& m : f.metrics) sqlite3_bind_text(st->get(), i++, m.c_str(), -1, SQLITE_TRANSIENT);
  if (f.since_ns) sqlite3_bind_text(st->get(), i++, time_text::rfc3339_micros(*f.since_ns).c_str(), -1, SQLITE_TRANSIENT);
  if (f.until_ns) sqlite3_bind_text(st->get(), i++, time_text::rfc3339_micros(*f.until_ns).c_str(), -1, SQLITE_TRANSIENT);
  return std::unique_ptr<RowCursor>(new SqliteCursor(std::move(*db), std::move(*st)));
}

Result<std::unique_ptr<RowCursor>> open_pg_cursor(const std::string& conninfo, const ReadingFilter& f) {
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo);
    // Values go in through libpq's own literal quoting (DECLARE takes no parameters).
    auto list = [&](const char* column, const std::vector<std::string>& values) {
      if (values.empty()) return std::string();
      std::string w = std::string(" AND ") + column + " IN (";
      for (std::size_t i = 0; i < values.size(); ++i) w += (i ? "," : "") + conn->quote(values[i]);
      return w + ")";
    };
    std::string where = " WHERE true" + list("device_id", f.devices) + list("metric", f.metrics);
    if (f.since_ns) where += " AND time >= " + conn->quote(time_text::rfc3339_micros(*f.since_ns));
    if (f.until_ns) where += " AND time < " + conn->quote(time_text::rfc3339_micros(*f.until_ns));
    std::string declare =
        "DECLARE iot_reading_source NO SCROLL CURSOR FOR SELECT device_id, metric,"
        " (extract(epoch FROM time) * 1000000)::bigint, value, quality, msg_id, seq FROM " +
        qualified_name(f.schema, f.table) + where + " ORDER BY time, device_id, metric";
    return std::unique_ptr<RowCursor>(new PgCursor(std::move(conn), std::move(declare)));
  } catch (const std::exception& e) {
    return pg_error(e);
  }
}

}  // namespace iot::store::detail
