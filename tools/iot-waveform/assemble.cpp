// `assemble`: envelopes in, one metadata line per upload out; verified
// blobs into the content-addressed store.
#include <chrono>

#include "core/log.hpp"
#include "cli/metrics.hpp"
#include "cli/run.hpp"
#include "codec/base64.hpp"
#include "core/exit_codes.hpp"
#include "stream/envelope.hpp"
#include "stream/line_reader.hpp"
#include "stream/line_writer.hpp"
#include "stream/reject.hpp"
#include "waveform/assembler.hpp"
#include "waveform/blob_store.hpp"
#include "iot-waveform/commands.hpp"
#include "waveform/http.hpp"
#include "iot-waveform/line_pump.hpp"
#include "waveform/metadata.hpp"
#include "waveform/samples.hpp"

namespace iot::waveform {
namespace {

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class AssembleRun {
 public:
  explicit AssembleRun(const AssembleOptions& o) : o_(o), metrics_("iot_waveform_") {
    AssemblerLimits limits;
    limits.max_uploads = o.max_pending;
    limits.max_bytes = o.max_pending_bytes;
    limits.max_upload_bytes = o.max_upload_bytes;
    limits.timeout = o.timeout.value;
    http_timeout_ = o.http_timeout.as<std::chrono::seconds>();
    if (http_timeout_.count() < 1) http_timeout_ = std::chrono::seconds(1);
    assembler_ = std::make_unique<Assembler>(limits);
    if (!o.bands.empty()) {
      auto b = parse_bands(o.bands);
      if (!b) cli::fail(b.error());
      analysis_.bands = *b;
    }
    analysis_.top_peaks = o.top;
    if (!o.store.empty()) {
      auto s = BlobStore::open(o.store, !o.no_fsync);
      if (!s) cli::fail(s.error());
      store_ = std::make_unique<BlobStore>(std::move(*s));
    }
    if (!o.reject_file.empty()) {
      auto r = stream::RejectSink::open(o.reject_file);
      if (!r) cli::fail(r.error());
      rejects_ = std::move(*r);
    } else {
      rejects_ = std::make_unique<stream::RejectSink>();
    }
  }

  // Reads every input; false when an input could not be read. Wakes up
  // every 200 ms while the input is quiet, so timeouts fire on a live pipe.
  bool read_all() {
    LinePump pump(o_.inputs.empty() ? std::vector<std::string>{"-"} : o_.inputs);
    PumpedLine line;
    for (;;) {
      if (cli::interrupted()) return true;
      auto got = pump.next(line, std::chrono::milliseconds(200));
      if (got == LinePump::Got::end) break;
      if (got == LinePump::Got::line) handle_line(stream::Line{line.text, line.number, *line.source, line.too_long});
      assembler_->expire(steady_ns(), outcomes_);
      // Outcomes of a batch of lines share one directory sync (group commit).
      if (pump.buffered() == 0 || outcomes_.size() >= 64) flush_outcomes();
    }
    if (auto error = pump.error()) {
      log::error("{}", *error);
      return false;
    }
    return true;
  }

  int finish(const cli::LogOptions& log_options, bool read_ok) {
    assembler_->finish(outcomes_);
    flush_outcomes();
    if (auto st = out_.flush(); !st) cli::fail(st.error());
    if (auto st = rejects_->flush(); !st) log::error("{}", st.error().message);
    log::info("{} uploads stored, {} incomplete, {} failed verification, {} lines rejected", counts_.ok,
              counts_.incomplete, counts_.bad, rejects_->count());
    if (!log_options.metrics_file.empty())
      if (auto st = metrics_.write_file(log_options.metrics_file); !st) log::warn("{}", st.error().message);
    if (!read_ok) return exit_code::io_error;
    if (store_failed_) return exit_code::io_error;
    if (o_.strict && rejects_->count() > 0) return exit_code::problems;
    return exit_code::ok;
  }

 private:
  std::int64_t steady_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }

  void reject(const stream::Line& line, const Error& e) {
    metrics_.add("rejected_lines_total", 1, "Input lines rejected");
    if (auto st = rejects_->reject(e.reason, e.message, stream::source_of(line.source, line.number), line.text); !st)
      cli::fail(st.error());
  }

  void handle_line(const stream::Line& line) {
    if (line.too_long) return reject(line, make_error(ErrorKind::too_large, "too_large", "line over the length limit"));
    auto env = parser_.parse(line.text);
    if (!env) return reject(line, env.error());
    if (env->bare || !env->topic) return reject(line, make_error(ErrorKind::bad_input, "schema", "not an envelope (no topic)"));
    auto parts = parse_topic(*env->topic);
    if (!parts) {
      metrics_.add("ignored_messages_total", 1, "Messages on topics that are not waveform uploads");
      log::debug("ignored {}: not a waveform topic", *env->topic);
      return;
    }
    std::int64_t time_ns = env->rx_ts.value_or(wall_ns());
    Result<Accepted> r = parts->kind == TopicParts::chunk ? handle_chunk(*parts, *env) : handle_complete(*parts, *env, time_ns);
    if (!r) return reject(line, r.error());
    if (*r != Accepted::taken) metrics_.add("duplicate_messages_total", 1, "Exact duplicates ignored");
  }

  Result<Accepted> handle_chunk(const TopicParts& p, const stream::EnvelopeView& env) {
    if (!env.payload_b64)
      return make_error(ErrorKind::bad_input, "decode",
                        "chunk arrived as decoded JSON, not raw bytes (payload_b64): its bytes cannot be recovered");
    auto bytes = codec::base64_decode(*env.payload_b64);
    if (!bytes) return make_error(ErrorKind::bad_input, "decode", "chunk: " + bytes.error().message);
    metrics_.add("chunks_total", 1, "Chunk messages read");
    return assembler_->add_chunk(p.base, p.upload_id, p.index, *bytes, steady_ns(), outcomes_);
  }

  Result<Accepted> handle_complete(const TopicParts& p, const stream::EnvelopeView& env, std::int64_t time_ns) {
    Result<CompleteMessage> c = make_error(ErrorKind::bad_input, "schema", "complete: no payload");
    if (env.has_payload) {
      c = parse_complete(env.payload);
    } else if (env.payload_b64) {
      auto text = codec::base64_decode(*env.payload_b64);
      if (text) c = parse_complete_text(*text);
    }
    if (!c) return c.error();
    if (c->upload_id != p.upload_id)
      return make_error(ErrorKind::bad_input, "schema", "complete: upload_id differs from the topic's");
    if (c->url) return fetch_upload(p, std::move(*c), time_ns);
    // The blob's time is when its complete message arrived.
    std::string id = c->upload_id;
    pending_time_[id] = time_ns;
    auto r = assembler_->add_complete(p.base, std::move(*c), steady_ns(), outcomes_);
    if (!r || *r != Accepted::taken) pending_time_.erase(id);
    return r;
  }

  Result<Accepted> fetch_upload(const TopicParts& p, CompleteMessage c, std::int64_t time_ns) {
    if (c.total_bytes > o_.max_upload_bytes)
      return make_error(ErrorKind::too_large, "too_large", "URL upload announces more than --max-upload-bytes");
    Outcome o;
    o.upload_id = c.upload_id;
    o.base = std::string(p.base);
    o.time_ns = time_ns;
    std::string url = *c.url;
    o.complete = std::move(c);
    auto blob = http_get(url, o_.max_upload_bytes, http_timeout_);
    if (!blob) {
      o.status = UploadStatus::incomplete;
      o.detail = blob.error().message;
    } else {
      o.received = 1;
      verify_blob(o, std::move(*blob));
    }
    assembler_->remember_finished(o.upload_id);
    outcomes_.push_back(std::move(o));
    return Accepted::taken;
  }

  // Stores every ok outcome, syncs the store once, then writes the lines:
  // a line on stdout always names files that are durable.
  void flush_outcomes() {
    if (outcomes_.empty()) return;
    std::vector<std::string> lines;
    lines.reserve(outcomes_.size());
    for (Outcome& o : outcomes_)
      if (auto line = store_outcome(o)) lines.push_back(std::move(*line));
    outcomes_.clear();
    if (store_)
      if (auto st = store_->sync(); !st) {
        log::error("{}", st.error().message);
        store_failed_ = true;
        return;
      }
    for (const auto& line : lines)
      if (auto st = out_.write_line(line); !st) cli::fail(st.error());
  }

  // The metadata line of one outcome, after storing its blob; nothing when storing failed.
  std::optional<std::string> store_outcome(Outcome& o) {
    if (auto t = pending_time_.find(o.upload_id); t != pending_time_.end()) {
      o.time_ns = t->second;
      pending_time_.erase(t);
    } else if (o.time_ns < 1'000'000'000'000'000LL) {
      o.time_ns = wall_ns();  // steady-clock stamps of uploads whose complete never came
    }
    std::optional<Features> features;
    if (o.status == UploadStatus::ok && o_.analyze) features = analyze_outcome(o);
    std::string blob_path;
    if (o.status == UploadStatus::ok && store_) {
      std::string sidecar = render_metadata(o, store_->blob_path(o.complete->checksum_sha256), features ? &*features : nullptr);
      auto stored = store_->put(o.complete->checksum_sha256, o.blob, sidecar, o.upload_id);
      if (!stored) {
        log::error("upload {}: {}", o.upload_id, stored.error().message);
        store_failed_ = true;
        return {};
      }
      blob_path = *stored;
    }
    count(o);
    // One per upload: a broken sender can make thousands (counted after five, log.hpp).
    if (o.status != UploadStatus::ok)
      log::warn_repeated(fmt::format("upload {}", status_name(o.status)), "upload {}: {}: {}", o.upload_id,
                         status_name(o.status), o.detail);
    return render_metadata(o, blob_path, features ? &*features : nullptr);
  }

  std::optional<Features> analyze_outcome(const Outcome& o) {
    auto format = parse_wire_format(o.complete->format);
    if (!format) return {};
    auto samples = decode_samples(o.samples, *format);
    if (!samples) return {};
    auto f = analyze(*samples, o.complete->sample_rate_hz, analysis_);
    if (!f) {
      log::warn("upload {}: not analysed: {}", o.upload_id, f.error().message);
      return {};
    }
    return std::move(*f);
  }

  void count(const Outcome& o) {
    const char* name = "uploads_ok_total";
    if (o.status == UploadStatus::ok) ++counts_.ok;
    else if (o.status == UploadStatus::incomplete) ++counts_.incomplete, name = "uploads_incomplete_total";
    else ++counts_.bad, name = "uploads_failed_total";
    metrics_.add(name, 1, "Uploads by outcome");
  }

  const AssembleOptions& o_;
  cli::Metrics metrics_;
  std::unique_ptr<Assembler> assembler_;
  AnalysisOptions analysis_;
  std::unique_ptr<BlobStore> store_;
  std::unique_ptr<stream::RejectSink> rejects_;
  stream::EnvelopeParser parser_;
  stream::LineWriter out_{1, stream::LineWriter::wants_line_flush(1)};
  std::vector<Outcome> outcomes_;
  std::unordered_map<std::string, std::int64_t> pending_time_;
  std::chrono::seconds http_timeout_{60};
  bool store_failed_ = false;
  struct {
    std::uint64_t ok = 0, incomplete = 0, bad = 0;
  } counts_;
};

}  // namespace

int run_assemble(const AssembleOptions& o, const cli::LogOptions& log_options) {
  AssembleRun run(o);
  bool read_ok = run.read_all();
  return run.finish(log_options, read_ok);
}

}  // namespace iot::waveform
