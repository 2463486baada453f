// The embedded default sink: one SQLite file in WAL mode; batches are one
// transaction of prepared INSERT ... ON CONFLICT DO NOTHING statements
// (duplicates by the primary key are counted, not errors), readings
// kRowsPerInsert to a statement. Time is ISO 8601 UTC text with µs.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/sink.hpp"
#include "store/sqlite_handle.hpp"
#include "store/tag_set_ids.hpp"

namespace iot::store {

class SqliteSink : public Sink {
 public:
  static Result<std::unique_ptr<SqliteSink>> open(const std::string& path, const SinkOptions& options);
  Status ensure_schema() override;
  Result<WriteStats> write(const Batch& batch) override;
  Status refresh_rollups() override;  // rollups are views; applies the retention of raw rows
  Status reconnect() override { return ok_status(); }
  std::string describe() const override { return "sqlite:" + path_; }
  bool holds_records() const override { return true; }
  // The connection's PRAGMA synchronous: 1 NORMAL, 2 FULL (sync_every_commit).
  int synchronous() const;

 private:
  SqliteSink(SqliteDb db, std::string path, SinkOptions options)
      : db_(std::move(db)), path_(std::move(path)), options_(std::move(options)) {}
  Status prepare_statements();
  // The table, its rollup views (plan_for), idempotent.
  Status create_table(const std::string& table);
  // A readings table's INSERTs: of one row, and of kRowsPerInsert rows;
  // with --tag-sets, the statements that store and find its tag sets, and
  // the ids known.
  struct ReadingInserts {
    SqliteStmt one, many;
    SqliteStmt add_tag_set, find_tag_set;
    TagSetIds tag_set_ids;
  };
  // The INSERTs for a table, creating the table the first time it is seen.
  Result<ReadingInserts*> inserts_for(const std::string& table);
  Result<ReadingInserts> prepare_inserts(const std::string& table);
  // Binds and runs one INSERT of rows [first, first + n); counts what it did.
  Status insert_readings(ReadingInserts& inserts, sqlite3_stmt* st, const std::vector<ReadingRow>& rows,
                         std::size_t first, std::size_t n, WriteStats& stats);
  // The id of the tag set `tags` in the table's TABLE_tag_sets, stored there first when new.
  Result<std::int64_t> tag_set_id(ReadingInserts& inserts, const SharedText& tags);
  Status create_tag_sets(const std::string& table);
  // Every table's tag set ids learnt in the transaction: kept or forgotten.
  void settle_tag_set_ids(bool committed);
  Result<WriteStats> write_in_transaction(const Batch& batch);
  Status insert_gap(const GapRow& gap);
  Status upsert_gap(const std::string& device, std::int64_t from, std::int64_t to, const std::string& detected,
                    const std::string& filled, bool overwrite);
  Status insert_waveform(const WaveformRow& w);

  SqliteDb db_;
  std::string path_;
  SinkOptions options_;
  std::map<std::string, ReadingInserts> inserts_;  // per readings table other than options_.table
  ReadingInserts insert_reading_;
  SqliteStmt upsert_gap_, delete_open_gaps_, insert_waveform_;
  std::string time_;  // the last row's time as text, kept across statements
  std::optional<std::int64_t> time_of_text_;

 public:
  // One statement for this many readings: the statement's fixed cost
  // (reset, start, end) is paid once for them, not per row; 64 x 12
  // parameters stay far under SQLite's limit.
  static constexpr std::size_t kRowsPerInsert = 64;
};

}  // namespace iot::store
