// bigquery-files:DIR (iot-ingest(1), "BigQuery load files"): readings as
// newline-delimited JSON load files for `bq load` and batch jobs,
// DIR/TABLE/YYYYMMDDTHHMMSSZ-N.ndjson, with DIR/TABLE.schema.json beside.
//
// A file grows under a hidden temporary name (.NAME.ndjson.part), each batch
// appended and fdatasynced before write() returns; it is published (fsynced,
// renamed to NAME.ndjson, the directory fsynced) when it reaches the size or
// age bound or the sink closes, and never touched again. So nothing that
// matches *.ndjson is ever partial. After a crash, the next open truncates a
// leftover part to its last whole line and publishes it. Readings already in
// DIR (the newest `key_window` of them) or written earlier in the run are
// duplicates by key (table, device_id, metric, time), so re-sending what a
// killed run had written leaves every reading in exactly one file.
// One process at a time owns DIR (an flock on DIR/.lock).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>

#include "store/sink.hpp"

namespace iot::store {

class BigQueryFilesSink : public Sink {
 public:
  static Result<std::unique_ptr<BigQueryFilesSink>> open(const std::string& dir, const SinkOptions& options);
  ~BigQueryFilesSink() override;  // publishes every open file
  BigQueryFilesSink(const BigQueryFilesSink&) = delete;
  BigQueryFilesSink& operator=(const BigQueryFilesSink&) = delete;

  // DIR/TABLE and its schema file for every table the plans name; leftovers recovered.
  Status ensure_schema() override;
  Result<WriteStats> write(const Batch& batch) override;
  Status refresh_rollups() override { return ok_status(); }
  Status reconnect() override { return ok_status(); }
  std::string describe() const override { return "bigquery-files:" + dir_; }
  // Publishes every open file now (also done by the destructor).
  Status close_files();

 private:
  struct OpenFile {
    std::string part, final_name;  // full paths
    int fd = -1;
    std::uint64_t bytes = 0;
    std::chrono::steady_clock::time_point opened;
  };
  BigQueryFilesSink(std::string dir, SinkOptions options, int lock_fd);
  Status prepare_table(const std::string& table);
  Status recover_parts(const std::string& table_dir);
  Status load_keys(const std::string& table, const std::string& table_dir);
  Result<OpenFile*> file_for(const std::string& table);
  Status publish(OpenFile& file);
  void remember(std::uint64_t key);

  std::string dir_;
  SinkOptions options_;
  int lock_fd_ = -1;
  std::map<std::string, bool> prepared_;  // table -> DIR/TABLE ready
  std::map<std::string, OpenFile> open_;  // table -> its growing file
  std::unordered_set<std::uint64_t> keys_;
  std::deque<std::uint64_t> key_order_;  // oldest first, bounded by options_.key_window
};

// One reading as its load-file line (with the newline): time (RFC 3339 UTC,
// microseconds), device_id, metric, value, quality, tenant, protocol, unit,
// msg_id, seq, tags and extra (JSON objects); absent values are null.
void append_load_line(std::string& out, const ReadingRow& row);
// DIR/TABLE.schema.json: the BigQuery schema of those lines.
std::string load_schema_json();
// The key a reading is deduplicated by: table, device, metric, time to the
// microsecond (as the line writes it).
std::uint64_t load_key(std::string_view table, std::string_view device, std::string_view metric,
                       std::string_view time_text);

}  // namespace iot::store
