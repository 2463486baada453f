// The heart of iot-ingest: lines in, batches out. Each line is parsed
// (envelope), routed, verified (HMAC), normalized, deduplicated by msg_id
// and gap-checked per device (the shared checks), then batched; a batch is
// committed (or spooled) in one transaction when it is full or the flush
// interval passes. What cannot be stored goes to the DLQ with its reason.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "checks/duplicate_window.hpp"
#include "checks/sequence_tracker.hpp"
#include "ingest/options.hpp"
#include "ingest/router.hpp"
#include "ingest/row_builder.hpp"
#include "ingest/stats.hpp"
#include "store/redis_dedup.hpp"
#include "store/redis_stream.hpp"
#include "store/resilient_writer.hpp"
#include "stream/envelope.hpp"
#include "stream/reject.hpp"

namespace iot::ingest {

// Everything the ingestor writes to, opened by the tool (ingest.cpp).
struct Outputs {
  store::ResilientWriter* writer = nullptr;
  stream::RejectSink* dlq = nullptr;
  store::RedisDedup* redis_dedup = nullptr;          // --dedup redis://
  store::RedisStreamWriter* stream_writer = nullptr;  // --to-stream
  std::string stream_template;                        // the --to-stream name, {tenant} etc.
};

class Ingestor {
 public:
  Ingestor(const Settings& settings, const Router& router, Outputs outputs);
  // One input line (without newline); source names it in DLQ records.
  void accept(std::string_view line, bool too_long, const std::string& source);
  // A Redis stream entry id to acknowledge once this batch is committed.
  void acknowledge_after_flush(std::string id) { ack_ids_.push_back(std::move(id)); }
  bool batch_full() const { return pending_rows_ >= settings_.batch_size; }
  bool due(std::chrono::steady_clock::time_point now) const;
  // Writes what is pending. Errors are fatal for the run (database gone
  // with no spool, spool full, local I/O); the tool maps them to exit codes.
  Status flush();
  // The stream ids of the last flush, acknowledged by the caller.
  std::vector<std::string> take_acks() { return std::move(committed_acks_); }
  Stats& stats() { return stats_; }

 private:
  void reject(std::string_view reason, std::string_view detail, const std::string& source, std::string_view line);
  void accept_payload(const stream::EnvelopeView& env, std::string_view line, const std::string& source);
  void add_messages(std::vector<BuiltMessage> messages);
  Status drop_redis_duplicates();
  void track_sequences();
  Status write_batch();
  Status write_rows_one_by_one();
  void record_latency(std::int64_t commit_ns);
  void queue_stream_line(const stream::EnvelopeView& env, std::string_view line);

  const Settings& settings_;
  const Router& router_;
  Outputs out_;
  stream::EnvelopeParser parser_;
  checks::DuplicateWindow window_;
  checks::SequenceTracker sequences_;
  std::vector<checks::GapEvent> events_;
  std::vector<BuiltMessage> pending_;
  store::Batch batch_;
  std::size_t pending_rows_ = 0;
  std::vector<std::pair<std::string, std::string>> stream_lines_;
  std::vector<std::string> ack_ids_, committed_acks_;
  std::chrono::steady_clock::time_point first_pending_{};
  Stats stats_;
};

}  // namespace iot::ingest
