#include "store/sqlite_handle.hpp"

namespace iot::store {

Result<SqliteDb> open_sqlite(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK)
    return make_error(ErrorKind::io, "db_open",
                      "cannot open SQLite database " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  sqlite3_busy_timeout(db.get(), 10000);
  return db;
}

Status sqlite_exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return make_error(ErrorKind::io, "db_error", "SQLite: " + text + " (in: " + sql.substr(0, 80) + ")");
  }
  return ok_status();
}

Result<SqliteStmt> sqlite_prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
      SQLITE_OK)
    return make_error(ErrorKind::internal, "db_error", std::string("SQLite prepare: ") + sqlite3_errmsg(db));
  return SqliteStmt(raw);
}

}  // namespace iot::store
