// The tables of the message kinds other than readings and alarm
// (iot-registry(5), KINDS; iot-ingest(1), Tables): events, logs,
// job_requests, actions, agent_state, agent_state_history and
// agent_job_status. Each is described once here, as data (its columns,
// its unique key, whether a newer message replaces the stored row, whether
// it is a time series), so that one piece of code makes the DDL and the
// writes for SQLite and PostgreSQL alike (record_sql.hpp) instead of a copy
// per kind.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iot::store {

enum class RecordTable { events, logs, job_requests, actions, agent_state, agent_state_history, agent_job_status };

// One message of a record kind, as iot-ingest built it. Which member a
// table's column holds is the table's description's business.
struct RecordRow {
  RecordTable table = RecordTable::events;
  std::int64_t time_ns = 0;          // the message's own time (else when it was received)
  std::string msg_id;                // never empty: the payload's, else a digest of topic and payload
  std::string device_id, tenant, topic;
  std::string name;                  // events: type; logs: container; actions: action; agent_job_status: job_id
  std::string label;                 // events: severity; logs: level; agent_job_status: status
  std::string text;                  // logs: message
  std::optional<double> number;      // agent_job_status: progress
  std::string json;                  // the payload (agent_state: the state), one line of JSON
};

enum class ColumnType { text, json, time, real };
enum class RecordField { time, msg_id, device_id, tenant, topic, name, label, text, number, json };

struct RecordColumn {
  std::string_view name;
  ColumnType type;
  RecordField field;
  bool required = false;  // NOT NULL
};

struct RecordTableSpec {
  RecordTable id;
  std::string_view name;
  std::span<const RecordColumn> columns;
  std::span<const std::string_view> key;  // the unique key
  // true: a row whose (time column, msg_id) is newer replaces the stored
  // one, an older one changes nothing; false: the first row of a key stays.
  bool newer_wins = false;
  bool time_series = false;  // a TimescaleDB hypertable on "time"
  std::string_view time_column = "time";
};

const RecordTableSpec& record_table(RecordTable table);
std::span<const RecordTableSpec> record_tables();

// The row's value for each column of its table, in column order, as text
// (times RFC 3339 with microseconds, numbers in their shortest form); none: NULL.
std::vector<std::optional<std::string>> record_values(const RecordRow& row);

// RecordTable by table name ("events"); none for another name.
std::optional<RecordTable> record_table_named(std::string_view name);

}  // namespace iot::store
