// RAII owners for sqlite3 handles, shared by the SQLite sink and source.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "core/result.hpp"

namespace iot::store {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

// Opens (creating when `create`) with a busy timeout; errors: io "db_open".
Result<SqliteDb> open_sqlite(const std::string& path, bool create);
Status sqlite_exec(sqlite3* db, const std::string& sql);
Result<SqliteStmt> sqlite_prepare(sqlite3* db, const std::string& sql);

}  // namespace iot::store
