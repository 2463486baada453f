// A database that readings go into. One implementation per engine
// (sqlite_sink.hpp, pg_sink.hpp, influx_sink.hpp, line_file_sink.hpp,
// pubsub_sink.hpp);
// iot-ingest picks one by URL (open_sink).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "store/row.hpp"
#include "registry/table_plan.hpp"

namespace iot::store {

struct SinkOptions {
  std::string schema;            // PostgreSQL schema (created when missing); empty: public
  std::string table = "readings";
  registry::TablePlans plans;    // retention and rollups, table by table
  bool create = false;           // --create: make a missing Pub/Sub topic (tables are always made)
  // bigquery-files: a load file is published at this size or age.
  std::uint64_t rotate_bytes = 64ull << 20;
  std::chrono::milliseconds rotate_every = std::chrono::minutes(5);
  // bigquery-files: how many readings' keys are remembered to drop duplicates.
  std::size_t key_window = 1'000'000;
  // influxdb2: the API token (read from --token-file; never logged).
  std::string token;
  // sqlite: an fsync with every commit (synchronous=FULL). iot-ingest sets it
  // with --ack-file, whose mark tells the writer upstream to forget what is
  // below it: after a power cut the database must hold all of that.
  bool sync_every_commit = false;
  // sqlite, postgresql: --tag-sets (iot-ingest(1), Tag sets), each distinct
  // tags object stored once and referenced by id from the rows.
  bool tag_sets = false;
};

class Sink {
 public:
  virtual ~Sink() = default;
  // Creates the tables when missing (idempotent).
  virtual Status ensure_schema() = 0;
  // Writes one batch in one transaction: all of it or none of it. Duplicate
  // readings (same primary key) are dropped and counted, never an error.
  // Errors: unavailable (connection lost: retry later, e.g. from a spool),
  // bad_input with reason "db_rejected" (the data itself was refused).
  virtual Result<WriteStats> write(const Batch& batch) = 0;
  // Refreshes the rollup views where they are not maintained by the engine.
  virtual Status refresh_rollups() = 0;
  // Reconnects after an unavailable error; ok when the database answers.
  virtual Status reconnect() = 0;
  virtual std::string describe() const = 0;  // for logs, without secrets
  // What ensure_schema chose, for the log ("plain PostgreSQL ..."); may be empty.
  virtual std::string setup_note() const { return {}; }
  // Whether write() stores Batch::alarms and Batch::records (alarm_sql.hpp,
  // record_sql.hpp). iot-ingest rejects such lines with reason
  // "unsupported" for a sink that does not.
  virtual bool holds_records() const { return false; }
};

// "sqlite:FILE", "postgresql://..."/"postgres://..." (libpq URL or keywords),
// "influxdb://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE", "line-protocol:FILE" ("-": stdout)
// "influxdb2://HOST[:PORT]/ORG/BUCKET" (options.token), "bigquery-files:DIR"
// or "pubsub://PROJECT/TOPIC".
Result<std::unique_ptr<Sink>> open_sink(const std::string& url, const SinkOptions& options);

}  // namespace iot::store
