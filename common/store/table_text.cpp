#include "store/table_text.hpp"

#include <pqxx/pqxx>

#include "store/identifier.hpp"
#include "store/pg_sink.hpp"
#include "store/sqlite_handle.hpp"

namespace iot::store {
namespace {

Result<TableText> read_sqlite(const std::string& path, const std::string& table) {
  auto db = open_sqlite(path, false);
  if (!db) return make_error(ErrorKind::unavailable, "db_unavailable", db.error().message);
  sqlite3_stmt* raw = nullptr;
  std::string sql = "SELECT * FROM " + quote_identifier(table);
  if (sqlite3_prepare_v2(db->get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    return make_error(ErrorKind::bad_input, "db_rejected", std::string("SQLite: ") + sqlite3_errmsg(db->get()));
  SqliteStmt st(raw);
  TableText out;
  const int n = sqlite3_column_count(raw);
  for (int i = 0; i < n; ++i) out.columns.emplace_back(sqlite3_column_name(raw, i));
  for (;;) {
    int rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW)
      return make_error(ErrorKind::unavailable, "db_unavailable", std::string("SQLite: ") + sqlite3_errmsg(db->get()));
    std::vector<std::string> row;
    row.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      auto text = sqlite3_column_text(raw, i);  // numbers come as their text
      row.emplace_back(text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(raw, i))
                            : std::string());
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

Result<TableText> read_pg(const std::string& conninfo, const std::string& schema, const std::string& table) {
  try {
    pqxx::connection conn(conninfo);
    pqxx::read_transaction tx(conn);
    pqxx::result r = tx.exec("SELECT * FROM " + qualified_name(schema, table));
    TableText out;
    const auto n = r.columns();
    for (pqxx::row::size_type i = 0; i < n; ++i) out.columns.emplace_back(r.column_name(i));
    out.rows.reserve(r.size());
    for (const auto& row : r) {
      std::vector<std::string> values;
      values.reserve(static_cast<std::size_t>(n));
      for (const auto& field : row) values.emplace_back(field.is_null() ? "" : field.c_str());
      out.rows.push_back(std::move(values));
    }
    return out;
  } catch (const std::exception& e) {
    return pg_error(e);
  }
}

}  // namespace

Result<TableText> read_table_text(const std::string& url, const std::string& schema, const std::string& table) {
  if (auto t = checked_identifier(table); !t) return t.error();
  if (!schema.empty()) {
    if (auto s = checked_identifier(schema); !s) return s.error();
  }
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);
    return read_sqlite(path, table);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return read_pg(url, schema, table);
  if (url.rfind("postgresql:", 0) == 0) return read_pg(url.substr(11), schema, table);  // libpq keywords
  return make_error(ErrorKind::usage, "bad_url", "a table can be read from sqlite:FILE or postgresql://... only");
}

}  // namespace iot::store
