#include "iot-ingest/ingestor.hpp"

#include <fmt/format.h>

#include "core/log.hpp"
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
  accept_payload(*env, line, source);
}

void Ingestor::accept_payload(const stream::EnvelopeView& env, std::string_view line, const std::string& source) {
  Enrichment enrichment;
  std::uint64_t unknown = 0;  // added to the stats after (they are Relaxed, read by --metrics-listen)
  if (out_.devices) enrichment = {&out_.devices->current(), options_.require_known, &unknown};
  auto rows = line_rows(env, *options_.routes, enrichment);
  if (unknown) stats_.unknown_devices += unknown;
  if (!rows) return reject(rows.error().reason, rows.error().message, source, line);
  std::string stream;
  if (out_.stream_writer) {  // named before anything is kept, so a bad name rejects the whole line
    auto name = telemetry::expand_template(out_.stream_template, {&rows->match.fields, nullptr, {}, {}});
    if (!name) return reject("schema", "--to-stream name: " + name.error().message, source, line);
    stream = std::move(*name);
  }
  if (env.has_wide_integers()) note_precision(*env.wide_integers, line, source);
  if (rows->alarm && !out_.holds_alarms)
    return reject("unsupported", "this --db does not store alarms (iot-ingest(1), Tables: alarms)", source, line);
  if (rows->alarm) {
    batch_.alarms.push_back(std::move(*rows->alarm));
    ++stats_.alarms;
    ++pending_rows_;
  } else if (rows->waveform) {
    batch_.waveforms.push_back(std::move(*rows->waveform));
    ++stats_.waveforms;
    ++pending_rows_;
  } else {
    add_messages(std::move(rows->messages));
  }
  if (out_.stream_writer) stream_lines_.emplace_back(std::move(stream), std::string(line));
}

void Ingestor::add_messages(std::vector<BuiltMessage> messages) {
  if (pending_.empty() && batch_.empty()) first_pending_ = std::chrono::steady_clock::now();
  for (auto& m : messages) {
    ++stats_.messages;
    stats_.readings += m.rows.size();
    if (options_.dedup_mode() != DedupMode::off && !m.msg_id.empty() &&
        window_.seen_or_insert(m.device_id + ":" + m.msg_id)) {
      ++stats_.duplicates_msg_id;
      continue;
    }
    pending_rows_ += m.rows.size();
    pending_.push_back(std::move(m));
  }
}

bool Ingestor::due(std::chrono::steady_clock::time_point now) const {
  auto ready = [](const auto& future) {
    return !future.valid() || future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  };
  // A finished batch is settled soon even when no new line comes (its DLQ
  // records flushed, its counts in the summary).
  if (in_flight_ && ready(in_flight_->written) && ready(in_flight_->streamed)) return true;
  bool anything = !pending_.empty() || !batch_.empty() || !ack_ids_.empty();
  return anything && now - first_pending_ >= options_.flush_interval.value;
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
  if (rest.empty()) return ok_status();
  auto outcome = l.writer->write(rest);
  if (!outcome && outcome.error().reason == "db_rejected") {
    reject("db_rejected", outcome.error().message, source, "gap, waveform or alarm records");
    return ok_status();
  }
  if (outcome) {
    stats_.alarms_written += outcome->stats.alarms;
    stats_.alarm_duplicates += outcome->stats.alarm_duplicates;
  }
  return outcome ? ok_status() : Status(outcome.error());
}

// Moves what is pending into a batch and starts writing it on a thread of
// its own. Only the database thread touches the writer until settle().
std::unique_ptr<Ingestor::InFlight> Ingestor::start_write() {
  auto flight = std::make_unique<InFlight>();
  InFlight& f = *flight;
  f.batch = std::move(batch_);
  batch_ = {};
  f.batch.readings.reserve(pending_rows_);
  // Moved, not copied (a copy was a tenth of the SQLite path).
  for (auto& m : pending_)
    for (auto& row : m.rows) f.batch.readings.push_back(std::move(row));
  f.messages = std::move(pending_);
  pending_.clear();
  pending_rows_ = 0;
  f.acks = std::exchange(ack_ids_, {});
  f.stream_lines = std::exchange(stream_lines_, {});
  // XADD to the stream runs beside the database write (iot-ingest(1), --to-stream).
  if (out_.stream_writer && !f.stream_lines.empty())
    f.streamed = std::async(std::launch::async, [this, &f] { return out_.stream_writer->add(f.stream_lines); });
  if (!f.batch.empty()) {
    f.written = std::async(std::launch::async, [this, &f] {
      auto outcomes = out_.sinks->write(f.batch);
      f.committed_ns = wall_now_ns();
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
  auto& counts = stats_.sinks.at(lane);
  stats_.drained_batches += outcome->drained_batches;
  stats_.rows_written += outcome->drained.inserted;
  stats_.duplicates_key += outcome->drained.duplicates;
  stats_.alarms_written += outcome->drained.alarms;
  stats_.alarm_duplicates += outcome->drained.alarm_duplicates;
  counts.drained_batches += outcome->drained_batches;
  counts.rows_written += outcome->drained.inserted;
  counts.duplicates_key += outcome->drained.duplicates;
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
    stats_.alarms_written += outcome->stats.alarms;
    stats_.alarm_duplicates += outcome->stats.alarm_duplicates;
  }
  return ok_status();
}

// Waits for a batch in flight and accounts for it, on the caller's thread.
// The batch is done when every --db committed or spooled it.
Status Ingestor::settle(InFlight& f) {
  Status written = ok_status();
  if (f.written.valid()) {
    auto outcomes = f.written.get();
    bool all_committed = true;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      all_committed = all_committed && outcomes[i] && !outcomes[i]->spooled;
      auto st = settle_lane(i, std::move(outcomes[i]), f);
      if (!st && written) written = st;
    }
    if (all_committed) record_latency(f.messages, f.committed_ns);
  }
  if (f.streamed.valid()) {
    Status st = f.streamed.get();
    if (!st) log::warn("--to-stream: {}", st.error().message);
    else stats_.streamed += f.stream_lines.size();
  }
  if (!written) return written;
  if (out_.redis_dedup && !f.messages.empty()) {
    std::vector<std::string> keys;
    for (const auto& m : f.messages)
      if (!m.msg_id.empty()) keys.push_back(m.device_id + ":" + m.msg_id);
    if (auto st = out_.redis_dedup->record(keys); !st) log::warn("--dedup: {}", st.error().message);
  }
  if (auto st = out_.dlq->flush(); !st) return st;
  for (auto& id : f.acks) committed_acks_.push_back(std::move(id));
  return ok_status();
}

Status Ingestor::flush() {
  // The previous batch settles first: one batch in flight at most, and the
  // shared Redis dedup has recorded it before this one is checked.
  if (in_flight_) {
    auto previous = std::move(in_flight_);
    if (auto st = settle(*previous); !st) return st;
  }
  if (pending_.empty() && batch_.empty() && ack_ids_.empty() && stream_lines_.empty()) return ok_status();
  if (out_.redis_dedup && !pending_.empty()) {
    if (auto st = drop_redis_duplicates(); !st) return st;
  }
  track_sequences();
  in_flight_ = start_write();
  return ok_status();
}

Status Ingestor::flush_and_wait() {
  if (auto st = flush(); !st) return st;
  if (!in_flight_) return ok_status();
  auto last = std::move(in_flight_);
  return settle(*last);
}

}  // namespace iot::ingest
