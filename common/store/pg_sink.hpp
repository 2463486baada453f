// PostgreSQL / TimescaleDB sink (libpqxx). Each batch is one transaction:
// readings are COPYed straight into the table (binary COPY of the columns
// the batch fills, where the table has the types iot-ingest creates; text
// COPY of every column otherwise); when the database reports a primary-key
// conflict (a duplicate the msg_id window could not see), the transaction
// is rolled back and the batch is written again the safe way: COPY into a
// session temp table, then INSERT ... ON CONFLICT DO NOTHING. So the
// database itself proves a batch cannot collide before the fast path is
// committed; after a conflict the safe path is kept for a few
// batches (duplicates tend to come in runs, e.g. a replayed backlog).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <pqxx/pqxx>
#include <string>

#include "store/copy_binary.hpp"
#include "store/tag_set_ids.hpp"
#include "store/schema_sql.hpp"
#include "store/sink.hpp"

namespace iot::store {

class PgConnection;  // pg_sink.cpp: a pqxx connection that also hands out its libpq handle

class PgSink : public Sink {
 public:
  static Result<std::unique_ptr<PgSink>> open(const std::string& url, const SinkOptions& options);
  ~PgSink() override;
  Status ensure_schema() override;
  Result<WriteStats> write(const Batch& batch) override;
  Status refresh_rollups() override;
  Status reconnect() override;
  std::string describe() const override;
  std::string setup_note() const override { return note_; }
  bool holds_records() const override { return true; }
  bool timescale() const { return timescale_; }

 private:
  PgSink(std::string url, SinkOptions options, SchemaNames names);
  Status connect();
  void create_timescale_or_plain(pqxx::work& tx);
  void create_record_tables(pqxx::work& tx);
  WriteStats write_readings(pqxx::work& tx, const std::vector<ReadingRow>& rows, const std::string& table);
  // How a table takes COPY: binary or text, and which columns may be left
  // out (nullable, no default). Looked up once per table and connection.
  struct CopyLayout {
    bool binary = false;
    ReadingColumns omittable = 0;
  };
  // With --tag-sets, the id of each row's tags (none: NULL); null without.
  using TagSetColumn = std::vector<std::optional<std::int64_t>>;
  const CopyLayout& copy_layout(pqxx::transaction_base& tx, const std::string& target);
  void copy_rows(pqxx::transaction_base& tx, const CopyLayout& layout, const std::string& table,
                 const std::vector<ReadingRow>& rows, const TagSetColumn* tag_sets);
  void copy_text_rows(pqxx::transaction_base& tx, const std::string& table, const std::vector<ReadingRow>& rows,
                      const TagSetColumn* tag_sets);
  void copy_binary_rows(pqxx::transaction_base& tx, const std::string& table, const std::vector<ReadingRow>& rows,
                        ReadingColumns columns, const TagSetColumn* tag_sets);
  // The tag set ids of the rows' tags in TABLE_tag_sets, the new ones
  // stored there in this transaction (one round trip for all of them).
  TagSetColumn tag_set_ids(pqxx::work& tx, const std::string& table, const std::vector<ReadingRow>& rows);
  void settle_tag_set_ids(bool committed);
  void ensure_table(pqxx::work& tx, const std::string& table);
  WriteStats write_once(const Batch& batch);  // one transaction; throws
  WriteStats write_grouped(pqxx::work& tx, const Batch& batch);
  void write_gaps(pqxx::work& tx, const Batch& batch);
  void write_waveforms(pqxx::work& tx, const Batch& batch);

  std::string url_;
  SinkOptions options_;
  SchemaNames names_;
  std::unique_ptr<PgConnection> conn_;
  bool timescale_ = false;
  bool schema_ready_ = false;
  std::set<std::string> known_tables_;
  std::map<std::string, CopyLayout> layouts_;  // by qualified table name
  std::map<std::string, TagSetIds> tag_set_ids_;  // by table, with --tag-sets
  int staging_batches_left_ = 0;
  bool staging_ = false;  // this batch goes through the staging table
  std::string copy_buffer_;
  std::string note_;
};

// Maps a libpqxx exception to an Error: connection trouble is unavailable
// (retry or spool), anything about the data is bad_input "db_rejected".
Error pg_error(const std::exception& e);

}  // namespace iot::store
