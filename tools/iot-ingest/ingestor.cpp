#include "iot-ingest/ingestor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "core/backoff.hpp"
#include "core/log.hpp"
#include "stream/ack_file.hpp"
#include "resend/resend_topic.hpp"
#include "iot-ingest/line_rows.hpp"
#include "store/json_out.hpp"
#include "core/time_text.hpp"
#include "telemetry/field_template.hpp"

namespace iot::ingest {
namespace {

std::int64_t wall_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string render_reading(const store::ReadingRow& r) {
  std::string out = "{\"device_id\":";
  store::append_json_quoted(out, r.device_id);
  out += ",\"metric\":";
  store::append_json_quoted(out, r.metric);
  out += ",\"time\":";
  store::append_json_quoted(out, time_text::rfc3339_micros(r.time_ns));
  out += ",\"value\":";
  store::append_json_number(out, r.value);
  fmt::format_to(std::back_inserter(out), ",\"quality\":{}}}", r.quality);
  return out;
}

store::GapRow gap_row(const checks::GapEvent& e, std::int64_t now_ns) {
  store::GapRow g{e.device, e.gap.from, e.gap.to, now_ns, false, {}, std::nullopt};
  if (e.kind == checks::GapEventKind::narrowed || e.kind == checks::GapEventKind::filled) {
    g.replace = true;
    for (const auto& r : e.remaining) g.remaining.emplace_back(r.from, r.to);
    if (e.kind == checks::GapEventKind::filled && e.remaining.empty()) g.filled_ns = now_ns;
  }
  return g;
}

}  // namespace

Ingestor::Ingestor(const IngestOptions& options, Outputs outputs)
    : options_(options),
      out_(outputs),
      window_(options.dedup_mode() == DedupMode::off ? 1 : options.dedup_window),
      sequences_(checks::SequenceLimits{checks::SequenceLimits{}.max_gaps_per_device, options.max_devices}) {
  for (std::size_t i = 0; out_.sinks && i < out_.sinks->size(); ++i)
    stats_.sinks.push_back(SinkCounts{out_.sinks->lane(i).name});
}

void Ingestor::reject(std::string_view reason, std::string_view detail, const std::string& source,
                      std::string_view line) {
  ++stats_.rejects;
  if (auto st = out_.dlq->reject(reason, detail, source, line); !st) log::error("DLQ: {}", st.error().message);
}

// Integers beyond 64 bits go into double columns as their nearest double
// (iot-stream(5), NUMBERS); when that changed the value, the line is still
// stored and the DLQ gets a note with reason "precision" saying what became
// what (counted apart from the rejects).
void Ingestor::note_precision(const std::vector<codec::WideInteger>& integers, std::string_view line,
                              const std::string& source) {
  std::string detail;
  for (const auto& w : integers) {
    if (codec::is_exact_double(w)) continue;
    detail += detail.empty() ? "stored as the nearest double: " : ", ";
    detail += fmt::format("{} -> {} (exactly {:.0f})", w.digits, w.value, w.value);
  }
  if (detail.empty()) return;
  ++stats_.precision_notes;
  if (auto st = out_.dlq->note("precision", detail, source, line); !st) log::error("DLQ: {}", st.error().message);
}

void Ingestor::accept(std::string_view line, bool too_long, const std::string& source) {
  ++stats_.lines;
  if (too_long) return reject("too_large", "line over the length limit", source, "");
  auto env = parser_.parse(line);
  if (!env) return reject(env.error().reason, env.error().message, source, line);
  if (env->jpos && env->jpos != last_position_) {
    position_before_last_ = last_position_;
    last_position_ = env->jpos;
  }
  accept_payload(*env, line, source);
}

void Ingestor::accept_payload(const stream::EnvelopeView& env, std::string_view line, const std::string& source) {
  Enrichment enrichment;
  std::uint64_t unknown = 0;  // added to the stats after (they are Relaxed, read by --metrics-listen)
  if (out_.devices) enrichment = {&out_.devices->current(), options_.require_known, &unknown};
  auto rows = line_rows(env, *options_.routes, enrichment, wall_now_ns());
  if (unknown) stats_.unknown_devices += unknown;
  if (!rows) return reject(rows.error().reason, rows.error().message, source, line);
  std::string stream;
  if (out_.stream_writer) {  // named before anything is kept, so a bad name rejects the whole line
    auto name = telemetry::expand_template(out_.stream_template, {&rows->match.fields, nullptr, {}, {}});
    if (!name) return reject("schema", "--to-stream name: " + name.error().message, source, line);
    stream = std::move(*name);
  }
  if (env.has_wide_integers()) note_precision(*env.wide_integers, line, source);
  if (rows->alarm && !out_.holds_records)
    return reject("unsupported", "this --db does not store alarms (iot-ingest(1), Tables: alarms)", source, line);
  if (rows->kind && !rows->kind->records.empty() && !out_.holds_records)
    return reject("unsupported", "this --db does not store kind records (iot-ingest(1), Tables)", source, line);
  if (rows->kind) {
    add_kind(std::move(*rows->kind));
    if (!rows->messages.empty()) add_messages(std::move(rows->messages));
  } else if (rows->alarm) {
    note_pending();
    batch_.alarms.push_back(std::move(*rows->alarm));
    ++stats_.alarms;
    ++pending_rows_;
  } else if (rows->waveform) {
    batch_.waveforms.push_back(std::move(*rows->waveform));
    ++stats_.waveforms;
    ++pending_rows_;
  } else {
    if (out_.resend) set_resend_topics(rows->messages, rows->match, env.topic.value_or(""));
    add_messages(std::move(rows->messages));
  }
  if (out_.stream_writer) stream_lines_.emplace_back(std::move(stream), std::string(line));
}

void Ingestor::note_pending() {
  if (pending_.empty() && batch_.empty() && notices_.empty()) first_pending_ = std::chrono::steady_clock::now();
}

// A copy of a message already taken (same device and msg_id) is counted and
// dropped here, so that --notify publishes each message once; its rows
// would change nothing in the tables either.
void Ingestor::add_kind(KindOutput kind) {
  note_pending();
  ++stats_.records;
  if (options_.dedup_mode() != DedupMode::off && window_.seen_or_insert("kind:" + kind.device_id + ":" + kind.msg_id)) {
    ++stats_.duplicates_msg_id;
    return;
  }
  pending_rows_ += kind.records.size() + kind.notices.size();
  for (auto& r : kind.records) batch_.records.push_back(std::move(r));
  for (auto& n : kind.notices) notices_.push_back(std::move(n));
}

// The route's resend_topic, else --resend-topic, over the topic and the
// captures. A message whose template cannot be filled is stored as ever;
// only its gaps are not asked for (warned once in a while).
void Ingestor::set_resend_topics(std::vector<BuiltMessage>& messages, const registry::RouteMatch& match,
                                 std::string_view topic) {
  const std::string& tmpl = match.route && match.route->resend_topic ? *match.route->resend_topic
                                                                     : options_.resend.topic_template;
  auto resend_topic = resend::resend_topic_for(tmpl, topic, &match.fields);
  if (!resend_topic) {
    log::warn_repeated("resend_topic", "--resend: no resend topic for {}: {}", topic, resend_topic.error().message);
    return;
  }
  for (auto& m : messages) m.resend_topic = *resend_topic;
}

void Ingestor::poll_resend() {
  if (!out_.resend) return;
  auto lost_gaps = out_.resend->poll();
  for (const auto& lost : lost_gaps) {
    std::string ranges;
    for (const auto& r : lost.missing) ranges += fmt::format("{}{}..{}", ranges.empty() ? "" : ", ", r.from, r.to);
    const char* why = lost.why == resend::LostWhy::gone        ? "the publisher no longer holds them"
                      : lost.why == resend::LostWhy::no_answer ? "no answer to --resend-tries requests"
                                                               : "more open gaps than can be followed";
    std::string detail = fmt::format("device {} seqs {} lost for good: {}", lost.device_id, ranges, why);
    if (auto st = out_.dlq->note("gap_lost", detail, "resend", ""); !st) log::error("DLQ: {}", st.error().message);
  }
  if (!lost_gaps.empty())
    if (auto st = out_.dlq->flush(); !st) log::error("DLQ: {}", st.error().message);
  const auto& c = out_.resend->counters();
  stats_.resend_on = true;
  stats_.resend_requests = c.requests;
  stats_.resent = c.resent;
  stats_.healed = c.healed;
  stats_.resend_lost = c.lost;
  stats_.resend_gone = c.gone;
  stats_.resend_open = out_.resend->open_gaps();
}

void Ingestor::add_messages(std::vector<BuiltMessage> messages) {
  note_pending();
  for (auto& m : messages) {
    ++stats_.messages;
    stats_.readings += m.rows.size();
    if (options_.dedup_mode() != DedupMode::off && !m.msg_id.empty() && window_.seen_or_insert(dedup_key(m))) {
      ++stats_.duplicates_msg_id;
      continue;
    }
    pending_rows_ += m.rows.size();
    pending_.push_back(std::move(m));
  }
}

// "DEVICE:MSG_ID" in a buffer kept across messages (no allocation per message).
std::string_view Ingestor::dedup_key(const BuiltMessage& m) {
  key_.assign(m.device_id);
  key_ += ':';
  key_ += m.msg_id;
  return key_;
}

bool Ingestor::finished(const InFlight& f) const {
  auto ready = [](const auto& future) {
    return !future.valid() || future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  };
  return ready(f.written) && ready(f.streamed);
}

std::size_t Ingestor::batches_in_flight() const { return out_.redis_dedup || out_.stream_writer ? 1 : 2; }

// Before a fatal error ends the run: no database thread is left writing.
void Ingestor::wait_for_writes() {
  for (auto& f : in_flight_) {
    if (f->written.valid()) f->written.wait();
    if (f->streamed.valid()) f->streamed.wait();
  }
}

bool Ingestor::due(std::chrono::steady_clock::time_point now) const {
  // A finished batch is settled soon even when no new line comes (its DLQ
  // records flushed, its counts in the summary).
  if (!in_flight_.empty() && finished(*in_flight_.front())) return true;
  bool anything = !pending_.empty() || !batch_.empty() || !ack_ids_.empty() || !notices_.empty() || position_pending();
  return anything && now - first_pending_ >= options_.flush_interval.value;
}

// The position a batch cut now may acknowledge. Lines without a position
// that follow a line may belong to it (iot-verify --rules writes an alarm
// right after the reading that raised it), and more of them may still be
// on their way, even at the end of the input (a stage killed between the
// two writes): so the last line's position waits until a later position
// shows up. That line is written again after a restart and dropped as a
// duplicate.
std::optional<std::uint64_t> Ingestor::safe_position() const { return position_before_last_; }

// Lines that were all rejected or dropped as duplicates still move the
// acknowledged position: a batch with nothing to write carries it.
bool Ingestor::position_pending() const {
  return !options_.ack_file.empty() && safe_position() && safe_position() != taken_position_;
}

Status Ingestor::drop_redis_duplicates() {
  std::vector<std::string> keys;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (pending_[i].msg_id.empty()) continue;
    keys.push_back(pending_[i].device_id + ":" + pending_[i].msg_id);
    index.push_back(i);
  }
  auto seen = out_.redis_dedup->seen(keys);
  if (!seen) return seen.error();
  std::vector<bool> drop(pending_.size(), false);
  for (std::size_t k = 0; k < keys.size(); ++k) drop[index[k]] = (*seen)[k];
  std::vector<BuiltMessage> kept;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (drop[i]) {
      ++stats_.duplicates_msg_id;
      pending_rows_ -= pending_[i].rows.size();
    } else {
      kept.push_back(std::move(pending_[i]));
    }
  }
  pending_ = std::move(kept);
  return ok_status();
}

void Ingestor::track_sequences() {
  const std::int64_t now = wall_now_ns();
  for (const auto& m : pending_) {
    if (!m.seq) continue;
    events_.clear();
    sequences_.observe(m.device_id, *m.seq, events_);
    for (const auto& e : events_) {
      if (out_.resend && (e.kind != checks::GapEventKind::opened || !m.resend_topic.empty()))
        out_.resend->on_gap_event(e, m.resend_topic);
      if (e.kind == checks::GapEventKind::dropped) continue;
      batch_.gaps.push_back(gap_row(e, now));
    }
  }
  stats_.gap_events = sequences_.gap_events();
  stats_.missing = sequences_.missing();
  stats_.reordered = sequences_.reordered();
  stats_.tracked_devices = sequences_.devices();
  stats_.evicted_devices = sequences_.evicted();
}

void Ingestor::record_latency(const std::vector<BuiltMessage>& messages, std::int64_t commit_ns) {
  for (const auto& m : messages) {
    if (m.time_ns == 0) continue;
    double seconds = static_cast<double>(commit_ns - m.time_ns) / 1e9;
    stats_.latency_sum_s += seconds;
    stats_.latency_max_s = std::max<double>(stats_.latency_max_s, seconds);
    ++stats_.latency_count;
  }
}

Status Ingestor::write_rows_one_by_one(const store::Batch& batch, std::size_t lane) {
  // The database refused something in the batch: find it row by row, so
  // that the good rows land and only the bad ones go to the DLQ. Only the
  // lane that refused it retries; the others have the batch already.
  auto& l = out_.sinks->lane(lane);
  auto& counts = stats_.sinks.at(lane);
  const std::string source = out_.sinks->size() > 1 ? "db " + l.name : "db";
  for (const auto& row : batch.readings) {
    store::Batch one;
    one.readings.push_back(row);
    auto outcome = l.writer->write(one);
    if (outcome) {
      stats_.rows_written += outcome->stats.inserted;
      stats_.duplicates_key += outcome->stats.duplicates;
      counts.rows_written += outcome->stats.inserted;
      counts.duplicates_key += outcome->stats.duplicates;
      continue;
    }
    if (outcome.error().reason != "db_rejected") return outcome.error();
    reject("db_rejected", outcome.error().message, source, render_reading(row));
  }
  store::Batch rest;
  rest.gaps = batch.gaps;
  rest.waveforms = batch.waveforms;
  rest.alarms = batch.alarms;
  rest.records = batch.records;
  if (rest.empty()) return ok_status();
  auto outcome = l.writer->write(rest);
  if (!outcome && outcome.error().reason == "db_rejected") {
    reject("db_rejected", outcome.error().message, source, "gap, waveform, alarm or kind records");
    return ok_status();
  }
  if (outcome) count_written(outcome->stats);
  return outcome ? ok_status() : Status(outcome.error());
}

// Moves what is pending into a batch and starts writing it on a thread of
// its own. Only the database thread touches the writer, the batch and the
// messages' rows until settle().
std::unique_ptr<Ingestor::InFlight> Ingestor::start_write() {
  auto flight = std::make_unique<InFlight>();
  InFlight& f = *flight;
  f.batch = std::move(batch_);
  batch_ = {};
  f.messages = std::move(pending_);
  pending_.clear();
  pending_rows_ = 0;
  std::size_t rows = 0;  // readings (pending_rows_ counts the other kinds and notices too)
  for (const auto& m : f.messages) rows += m.rows.size();
  f.acks = std::exchange(ack_ids_, {});
  f.stream_lines = std::exchange(stream_lines_, {});
  f.notices = std::exchange(notices_, {});
  // XADD to the stream runs beside the database write (iot-ingest(1), --to-stream).
  if (out_.stream_writer && !f.stream_lines.empty())
    f.streamed = std::async(std::launch::async, [this, &f] { return add_to_stream(f.stream_lines); });
  const bool writes = f.writes = !f.batch.empty() || rows > 0;
  // One part per --db when there are rows, one for the stream copy: the
  // position is acknowledged when each of them has the batch.
  f.ticket = ack_window_.open(safe_position(), (writes ? out_.sinks->size() : 0) + (f.streamed.valid() ? 1 : 0));
  taken_position_ = safe_position();
  // The batch before this one, if still in flight: written first.
  std::shared_future<bool> before;
  if (!in_flight_.empty()) before = in_flight_.back()->next_may_write;
  f.next_may_write = f.stored_whole.get_future().share();
  if (!writes) {
    if (before.valid()) f.next_may_write = before;  // nothing of its own: the next one follows the one before
    else f.stored_whole.set_value(true);
  }
  if (writes) {
    f.written = std::async(std::launch::async, [this, &f, rows, before] {
      // Whether every lane committed or spooled it (a lane's spool keeps the
      // order): the next batch hears it when this thread ends, even by an
      // exception.
      bool whole = false;
      struct Tell {
        std::promise<bool>& promise;
        const bool& whole;
        ~Tell() { promise.set_value(whole); }
      } tell{f.stored_whole, whole};
      // The messages' rows become the batch's here, not on the thread that
      // reads the next lines; moved, not copied (a copy was a tenth of the
      // SQLite path). Done before waiting for the batch before.
      f.batch.readings.reserve(rows);
      for (auto& m : f.messages)
        for (auto& row : m.rows) f.batch.readings.push_back(std::move(row));
      std::vector<Result<store::WriteOutcome>> outcomes;
      const bool go = !before.valid() || before.get();
      if (go) outcomes = out_.sinks->write(f.batch);
      else f.deferred = true;
      f.committed_ns = wall_now_ns();
      whole = go && std::all_of(outcomes.begin(), outcomes.end(), [](const auto& o) { return static_cast<bool>(o); });
      // What settle() no longer needs is freed here, beside the reading of
      // the next batch, not on the thread that reads it: the rows (unless
      // the batch is to be written again, row by row or whole) and the
      // messages' emptied row vectors.
      if (whole) f.batch.readings = {};
      for (auto& m : f.messages) m.rows = {};
      return outcomes;
    });
  }
  return flight;
}

// One lane's result for a batch: counts, or the row-by-row retry when that
// database refused something in it.
Status Ingestor::settle_lane(std::size_t lane, Result<store::WriteOutcome> outcome, InFlight& f) {
  if (!outcome)
    return outcome.error().reason == "db_rejected" ? write_rows_one_by_one(f.batch, lane) : Status(outcome.error());
  count_drained(lane, *outcome);
  auto& counts = stats_.sinks.at(lane);
  if (outcome->spooled) {
    ++stats_.spooled_batches;
    ++counts.spooled_batches;
  } else {
    ++stats_.batches;
    ++counts.batches;
    stats_.rows_written += outcome->stats.inserted;
    stats_.duplicates_key += outcome->stats.duplicates;
    counts.rows_written += outcome->stats.inserted;
    counts.duplicates_key += outcome->stats.duplicates;
    count_written(outcome->stats);
  }
  return ok_status();
}

// The alarm and record rows one write reported (each --db reports its own).
void Ingestor::drain_spools_while_idle(std::chrono::steady_clock::time_point now) {
  if (!in_flight_.empty() || !pending_.empty() || !batch_.empty() || now - last_idle_drain_ < std::chrono::seconds(1))
    return;
  last_idle_drain_ = now;
  for (std::size_t i = 0; i < out_.sinks->size(); ++i) {
    auto& lane = out_.sinks->lane(i);
    if (!lane.writer->has_spooled()) continue;
    auto drained = lane.writer->drain_once(now + options_.flush_interval.value);
    if (!drained) log::warn("{}spool: {}", out_.sinks->size() > 1 ? lane.name + ": " : "", drained.error().message);
    else count_drained(i, *drained);
  }
}

void Ingestor::count_drained(std::size_t lane, const store::WriteOutcome& outcome) {
  stats_.drained_batches += outcome.drained_batches;
  stats_.rows_written += outcome.drained.inserted;
  stats_.duplicates_key += outcome.drained.duplicates;
  count_written(outcome.drained);
  if (lane < stats_.sinks.size()) {
    auto& counts = stats_.sinks[lane];
    counts.drained_batches += outcome.drained_batches;
    counts.rows_written += outcome.drained.inserted;
    counts.duplicates_key += outcome.drained.duplicates;
  }
}

void Ingestor::count_written(const store::WriteStats& written) {
  stats_.alarms_written += written.alarms;
  stats_.alarm_duplicates += written.alarm_duplicates;
  stats_.records_written += written.records;
  stats_.record_unchanged += written.record_unchanged;
}

// Waits for a batch in flight and accounts for it, on the caller's thread.
// The batch is done when every --db committed or spooled it.
Status Ingestor::settle(InFlight& f) {
  Status written = ok_status();
  if (f.written.valid()) {
    auto outcomes = f.written.get();
    if (f.deferred) {  // the batch before was not stored whole: this one goes now, after its refused rows
      outcomes = out_.sinks->write(f.batch);
      f.committed_ns = wall_now_ns();
    }
    for (const auto& o : outcomes)
      if (!o) settle_all_ = true;
    bool all_committed = true;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      all_committed = all_committed && outcomes[i] && !outcomes[i]->spooled;
      auto st = settle_lane(i, std::move(outcomes[i]), f);
      if (st) ack_window_.complete(f.ticket, i);  // committed, spooled, or its refused rows in the DLQ
      if (!st && written) written = st;
    }
    if (all_committed) record_latency(f.messages, f.committed_ns);
  }
  if (f.streamed.valid()) {
    // A stream copy that could not be added fails the batch like a database
    // would: nothing is acknowledged past it, so its lines come again.
    Status st = f.streamed.get();
    if (!st && written) written = Error{st.error().kind, "--to-stream: " + st.error().message, st.error().reason};
    if (st) {
      stats_.streamed += f.stream_lines.size();
      ack_window_.complete(f.ticket, f.writes ? out_.sinks->size() : 0);
    }
  }
  if (!written) return written;
  // Published only once stored: a dashboard never sees a state the table lacks.
  if (out_.notifier && !f.notices.empty()) {
    if (auto st = out_.notifier->send(f.notices); !st) return st;
    stats_.notices += f.notices.size();
  }
  if (out_.redis_dedup && !f.messages.empty()) {
    std::vector<std::string> keys;
    for (const auto& m : f.messages)
      if (!m.msg_id.empty()) keys.push_back(m.device_id + ":" + m.msg_id);
    if (auto st = out_.redis_dedup->record(keys); !st) log::warn("--dedup: {}", st.error().message);
  }
  // Entries are acknowledged (XACK) only once their DLQ records are on disk too.
  if (auto st = f.acks.empty() ? out_.dlq->flush() : out_.dlq->sync(); !st) return st;
  for (auto& id : f.acks) committed_acks_.push_back(std::move(id));
  return ok_status();
}

// The rejects the position covers are synced first: a line is "handled"
// only once its record is on disk. Called by flush() once the next batch is
// on its way, so that these fsyncs overlap the database's work.
Status Ingestor::write_acknowledgement() {
  if (options_.ack_file.empty()) return ok_status();
  auto position = ack_window_.acknowledged();
  if (!position || position == written_position_) return ok_status();
  if (auto st = out_.dlq->sync(); !st) return st;
  if (auto st = stream::write_ack_file(options_.ack_file, *position); !st) return st;
  written_position_ = position;
  return ok_status();
}

// XADD, retried with backoff for --retry-for while Redis is away; then the
// batch fails (a copy is never dropped with only a warning). A retry after a
// partial success may add a line twice: readers drop it by msg_id.
Status Ingestor::add_to_stream(const std::vector<std::pair<std::string, std::string>>& lines) {
  const auto give_up = std::chrono::steady_clock::now() + options_.retry_for.value;
  Backoff backoff(BackoffParams{std::chrono::milliseconds(100), std::chrono::milliseconds(5000), 2.0});
  for (;;) {
    Status st = out_.stream_writer->add(lines);
    if (st) {
      if (backoff.failures()) log::info("--to-stream: added again after {} failed attempts", backoff.failures());
      return st;
    }
    auto delay = backoff.next();
    if (std::chrono::steady_clock::now() + delay >= give_up) return st;
    if (backoff.failures() == 1) log::warn("--to-stream: {}; retrying for {}", st.error().message, options_.retry_for.text);
    std::this_thread::sleep_for(delay);
  }
}

// Settles the oldest batch in flight; when that fails, the writes still in
// flight are waited for before the error goes up.
Status Ingestor::settle_oldest() {
  auto oldest = std::move(in_flight_.front());
  in_flight_.pop_front();
  Status st = settle(*oldest);
  if (!st) wait_for_writes();
  return st;
}

Status Ingestor::flush() {
  // The oldest batch settles when as many as may be in flight are, when it
  // is done, and after a batch that was not stored whole until none is
  // left (then the next starts a new run of batches). With one in flight,
  // the shared Redis dedup has recorded the previous batch before this one
  // is checked.
  while (!in_flight_.empty() &&
         (in_flight_.size() >= batches_in_flight() || settle_all_ || finished(*in_flight_.front())))
    if (auto st = settle_oldest(); !st) return st;
  settle_all_ = false;
  if (pending_.empty() && batch_.empty() && ack_ids_.empty() && stream_lines_.empty() && notices_.empty() &&
      !position_pending())
    return write_acknowledgement();
  if (out_.redis_dedup && !pending_.empty()) {
    if (auto st = drop_redis_duplicates(); !st) return st;
  }
  track_sequences();
  in_flight_.push_back(start_write());
  return write_acknowledgement();
}

Status Ingestor::flush_and_wait() {
  if (auto st = flush(); !st) return st;
  if (in_flight_.empty()) return ok_status();
  while (!in_flight_.empty())
    if (auto st = settle_oldest(); !st) return st;
  settle_all_ = false;
  return write_acknowledgement();
}

}  // namespace iot::ingest
