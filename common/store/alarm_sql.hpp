// The alarm tables of iot-ingest(1) (Tables: alarms, alarm_state) in SQLite
// and PostgreSQL: their DDL and the writes of one batch's alarms inside the
// sink's open transaction. Each new alarm row is inserted once by msg_id;
// then the alarm_state row of every alarm the batch touched is refolded
// from all its stored rows (alarm_state.hpp), so re-ingesting, duplicates
// and reordering leave the same state.
#pragma once

#include <sqlite3.h>

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/alarm_row.hpp"

namespace iot::store {

struct AlarmWriteStats {
  std::uint64_t inserted = 0, duplicates = 0;
};

std::vector<std::string> sqlite_alarm_schema_sql();
// schema: PostgreSQL schema, empty: public. Must be a checked identifier.
std::vector<std::string> pg_alarm_schema_sql(const std::string& schema);

// In the caller's transaction. Errors: bad_input "db_rejected".
Result<AlarmWriteStats> write_alarms_sqlite(sqlite3* db, const std::vector<AlarmRow>& alarms);
// In the caller's transaction; throws what libpqxx throws (the sink maps it).
AlarmWriteStats write_alarms_pg(pqxx::work& tx, const std::string& schema, const std::vector<AlarmRow>& alarms);

}  // namespace iot::store
