// The heart of iot-ingest: lines in, batches out. Each line is parsed
// (envelope), routed, verified (HMAC), normalized, deduplicated by msg_id
// and gap-checked per device (the shared checks), then batched; a batch is
// committed (or spooled) in one transaction when it is full or the flush
// interval passes. What cannot be stored goes to the DLQ with its reason.
// With --ack-file, after each commit the journal position (jpos) up to which
// every line read is stored in every --db (and in --to-stream) or rejected
// is written to the ack file (iot-ingest(1), Acknowledgement).
#pragma once

#include <chrono>
#include <deque>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "checks/duplicate_window.hpp"
#include "checks/sequence_tracker.hpp"
#include "devices/device_directory.hpp"
#include "iot-ingest/options.hpp"
#include "mqtt/resend_requester.hpp"
#include "registry/route_engine.hpp"
#include "iot-ingest/record_builder.hpp"
#include "iot-ingest/row_builder.hpp"
#include "iot-ingest/stats.hpp"
#include "store/redis_dedup.hpp"
#include "store/redis_notify.hpp"
#include "store/redis_stream.hpp"
#include "store/resilient_writer.hpp"
#include "store/sink_fan_out.hpp"
#include "stream/ack_window.hpp"
#include "stream/envelope.hpp"
#include "stream/reject.hpp"

namespace iot::ingest {

// Everything the ingestor writes to, opened by the tool (ingest.cpp).
struct Outputs {
  store::SinkFanOut* sinks = nullptr;  // one lane per --db
  stream::RejectSink* dlq = nullptr;
  store::RedisDedup* redis_dedup = nullptr;          // --dedup redis://
  store::RedisStreamWriter* stream_writer = nullptr;  // --to-stream
  std::string stream_template;                        // the --to-stream name, {tenant} etc.
  devices::DeviceDirectory* devices = nullptr;        // --devices: read, never written
  bool holds_records = false;                         // every --db stores alarms and records (Sink::holds_records)
  store::RedisNotifier* notifier = nullptr;           // --notify
  mqtt::ResendRequester* resend = nullptr;            // --resend: asks publishers for the seqs of gaps
};

class Ingestor {
 public:
  Ingestor(const IngestOptions& options, Outputs outputs);
  // One input line (without newline); source names it in DLQ records.
  void accept(std::string_view line, bool too_long, const std::string& source);
  // A Redis stream entry id to acknowledge once this batch is committed.
  void acknowledge_after_flush(std::string id) { ack_ids_.push_back(std::move(id)); }
  bool batch_full() const { return pending_rows_ >= options_.batch_size; }
  bool due(std::chrono::steady_clock::time_point now) const;
  // Hands what is pending to the database and returns at once: the write
  // runs on a thread of its own while the caller reads the next batch (so
  // parsing overlaps the database's work). Up to two batches are in flight:
  // the second waits on its thread until the first is stored, then is
  // written at once, without a round through this thread (the database
  // never waits for the reader between batches). Batches are written one
  // after the other, in order, and a batch counts only once stored:
  // flush() settles the oldest (counts, DLQ, acknowledgements) when two are
  // in flight or it is done. A batch that was not stored whole (refused
  // rows, an error) stops the next from being written on its thread;
  // settle() writes that one itself, after the refused rows. With
  // --dedup redis:// or --to-stream one batch is in flight, as these must
  // see the previous batch settled. Errors, of this call or of an earlier
  // batch, are fatal for the run (database gone with no spool, spool full,
  // local I/O); the tool maps them to exit codes.
  Status flush();
  // flush(), then waits until the batch is committed (or spooled) and settled.
  Status flush_and_wait();
  // The stream ids of the batches committed so far and not yet taken:
  // acknowledge only these.
  std::vector<std::string> take_acks() { return std::exchange(committed_acks_, {}); }
  Stats& stats() { return stats_; }
  // --resend: publishes the requests due and logs the gaps given up (each
  // also a "gap_lost" note in the DLQ). Cheap when nothing is due: call it
  // from every turn of the loop.
  void poll_resend();
  // With nothing read and nothing in flight, a spool left by a database
  // outage is sent on when the database is back (iot-ingest(1), --spool),
  // at most once a second, instead of waiting for the next batch or exit.
  void drain_spools_while_idle(std::chrono::steady_clock::time_point now);
  // Counts what a drain of lane's spool sent.
  void count_drained(std::size_t lane, const store::WriteOutcome& outcome);

 private:
  void reject(std::string_view reason, std::string_view detail, const std::string& source, std::string_view line);
  void accept_payload(const stream::EnvelopeView& env, std::string_view line, const std::string& source);
  void note_precision(const std::vector<codec::WideInteger>& integers, std::string_view line, const std::string& source);
  void add_messages(std::vector<BuiltMessage> messages);
  std::string_view dedup_key(const BuiltMessage& m);
  void add_kind(KindOutput kind);
  void note_pending();
  // What a settled batch's writes mean for the counts.
  void count_written(const store::WriteStats& written);
  void set_resend_topics(std::vector<BuiltMessage>& messages, const registry::RouteMatch& match,
                         std::string_view topic);
  // A batch handed to the database thread, with what settles it afterwards.
  struct InFlight {
    store::Batch batch;
    std::vector<BuiltMessage> messages;  // their rows are in batch; headers for latency and dedup
    std::vector<std::string> acks;
    std::vector<std::pair<std::string, std::string>> stream_lines;
    std::future<std::vector<Result<store::WriteOutcome>>> written;  // one per --db
    std::int64_t committed_ns = 0;  // set by the database thread
    std::future<Status> streamed;
    std::vector<store::RedisNotice> notices;  // sent once the batch is committed
    stream::AckWindow::Ticket ticket = 0;  // its part of the --ack-file position
    bool writes = false;                   // rows went to the --db lanes
    // Set by the database thread: whether every lane stored the batch, so
    // that the batch after it may be written (it waits for this first).
    std::promise<bool> stored_whole;
    std::shared_future<bool> next_may_write;
    bool deferred = false;  // not written because the batch before was not stored whole: settle() writes it
  };

  Status drop_redis_duplicates();
  void track_sequences();
  std::unique_ptr<InFlight> start_write();
  std::size_t batches_in_flight() const;
  bool finished(const InFlight& f) const;
  void wait_for_writes();
  Status settle(InFlight& flight);
  Status settle_oldest();  // the front of in_flight_
  Status settle_lane(std::size_t lane, Result<store::WriteOutcome> outcome, InFlight& flight);
  Status write_rows_one_by_one(const store::Batch& batch, std::size_t lane);
  void record_latency(const std::vector<BuiltMessage>& messages, std::int64_t commit_ns);
  Status add_to_stream(const std::vector<std::pair<std::string, std::string>>& lines);
  bool position_pending() const;
  std::optional<std::uint64_t> safe_position() const;
  Status write_acknowledgement();

  const IngestOptions& options_;
  Outputs out_;
  stream::EnvelopeParser parser_;
  checks::DuplicateWindow window_;
  std::string key_;  // dedup_key's buffer
  checks::SequenceTracker sequences_;
  std::vector<checks::GapEvent> events_;
  std::vector<BuiltMessage> pending_;
  store::Batch batch_;
  std::size_t pending_rows_ = 0;
  std::vector<std::pair<std::string, std::string>> stream_lines_;
  std::vector<store::RedisNotice> notices_;
  std::vector<std::string> ack_ids_, committed_acks_;
  std::chrono::steady_clock::time_point first_pending_{};
  Stats stats_;
  // Oldest first: at most batches_in_flight(), written one after the other.
  std::deque<std::unique_ptr<InFlight>> in_flight_;
  bool settle_all_ = false;  // a batch was not stored whole: no new one starts before every one is settled
  std::chrono::steady_clock::time_point last_idle_drain_{};
  // --ack-file: the positions of the last two lines read that carried one,
  // the last one a batch took, the one in the file.
  stream::AckWindow ack_window_;
  std::optional<std::uint64_t> last_position_, position_before_last_, taken_position_, written_position_;
};

}  // namespace iot::ingest
