// The record tables (record_table.hpp) in SQLite and PostgreSQL: their DDL,
// made from each table's description, and the writes of one batch's
// records inside the sink's open transaction. A table keyed by msg_id keeps
// the first row of each message (a copy delivered again changes nothing);
// agent_state and agent_job_status take a row only when its (time, msg_id)
// is newer than the stored one, so a late or repeated update never
// overwrites a newer one.
#pragma once

#include <sqlite3.h>

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/record_table.hpp"

namespace iot::store {

struct RecordWriteStats {
  std::uint64_t written = 0;    // rows inserted or replaced by a newer message
  std::uint64_t unchanged = 0;  // copies already stored, or older than the stored row
};

std::vector<std::string> sqlite_record_schema_sql();
// schema: a checked identifier, empty: public. timescale: the time-series
// tables become hypertables (their key then holds the time column as well,
// which TimescaleDB requires; a copy of a message carries the same time).
std::vector<std::string> pg_record_schema_sql(const std::string& schema, bool timescale);

// In the caller's transaction. Errors: bad_input "db_rejected".
Result<RecordWriteStats> write_records_sqlite(sqlite3* db, const std::vector<RecordRow>& records);
// In the caller's transaction; throws what libpqxx throws (the sink maps it).
RecordWriteStats write_records_pg(pqxx::work& tx, const std::string& schema, const std::vector<RecordRow>& records);

}  // namespace iot::store
