// LineChecker: the per-line decision of iot-verify (iot-verify(1), DESCRIPTION). For each
// line: envelope -> payload -> signature (with a key) -> normalizer (schema,
// quality codes) -> msg_id duplicates -> seq gaps/reordering -> timestamps.
// A line is invalid for exactly four reasons: bad JSON, bad signature,
// schema error, duplicate. Gaps, reordering and timestamp findings are
// counted, and the line stays valid. Memory is bounded by the duplicate
// window, the sequence tracker's limits and --max-devices (one table entry
// per device holds its counters and its sequence state).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/duplicate_window.hpp"
#include "checks/sequence_tracker.hpp"
#include "checks/timestamp_checks.hpp"
#include "registry/registry.hpp"
#include "registry/route_engine.hpp"
#include "stream/envelope.hpp"
#include "telemetry/reading.hpp"
#include "iot-verify/stats.hpp"

namespace iot::verify {

struct CheckerConfig {
  std::optional<std::string> key;  // verify signatures when set
  bool allow_unsigned = false;     // with a key: accept lines without an HMAC
  checks::TimestampLimits time_limits;
  checks::SequenceLimits seq_limits;
  std::size_t window = checks::DuplicateWindow::default_capacity;
  std::size_t max_devices = Stats::default_max_devices;
  // Per-route shapes, device/metric templates, key maps and keys (a route's
  // key replaces `key` for its topics), read by the route engine that
  // iot-ingest uses too. A topic no route matches is invalid (reason
  // no_route, counted as a schema error); so is a bare payload (no topic)
  // unless a route has pattern "#".
  std::shared_ptr<const registry::Registry> registry;
  // Keep each valid line's readings for messages() (--rules needs them;
  // the checks alone read headers only).
  bool keep_readings = false;
  // --resend: the gap events are kept for take_gap_events(), each opened gap
  // with its resend topic (this template, or its route's resend_topic).
  std::optional<std::string> resend_topic_template;
};

// A gap event for the resend loop and where its requests go (set for opened gaps).
struct ResendGapEvent {
  checks::GapEvent event;
  std::string resend_topic;
};

struct Verdict {
  bool ok = true;
  std::string_view reason;  // bad_json, too_large, bad_signature, schema, duplicate
  std::string detail;       // for the reject record and the log
};

// What the stateless part of the checks makes of one line: everything that
// does not depend on the lines before it (envelope, route, signature,
// normalizer). Owns its data, so a worker thread can make it while another
// applies the ones before (pipeline.hpp). Reused from line to line, it keeps
// its buffers.
struct LineAnalysis {
  enum class Kind {
    final,     // verdict is the line's, counted without a device
    alarm,     // an alarm envelope read fine: alarm_msg_id is deduplicated
    readings,  // a payload on a readings route: messages (when read) go through the stateful checks
  };
  Kind kind = Kind::final;
  Verdict verdict;
  std::string alarm_msg_id;
  // readings: read is false when the normalizer refused the payload (read_error).
  bool read = false;
  Verdict read_error;
  std::vector<telemetry::Message> messages;
  // A good line's: hash_id of each message's msg_id (unused where it is
  // empty), made by the analyzer, so that the in-order checks on the
  // caller's thread hash none (pipeline.hpp).
  std::vector<checks::IdHash> id_hashes;
  std::optional<std::string> signed_hmac;  // the signed shape's hmac (duplicates of messages without msg_id)
  // readings, with a resend topic template: where its gaps are asked for.
  registry::RouteMatch match;
  std::string topic;
};

// The stateless part: one per thread (each has its own JSON parser), all
// reading through one RouteEngine (const, shared).
class LineChecker;
class LayoutCache;

class LineAnalyzer {
 public:
  // warm: the checker that will apply() each analysis right after it (one
  // thread): its tables are warmed while the signature is checked.
  LineAnalyzer(const registry::RouteEngine& routes, const CheckerConfig& config, LineChecker* warm = nullptr);
  ~LineAnalyzer();
  LineAnalyzer(const LineAnalyzer&) = delete;
  LineAnalyzer& operator=(const LineAnalyzer&) = delete;
  // too_long: the reader skipped a line over its limit (line is then empty).
  // A line of a layout seen before is read from its text alone
  // (layout_cache.hpp), with the same outcome as analyze_slow.
  void analyze(std::string_view line, bool too_long, LineAnalysis& out);
  // Envelope parser (JSON DOM), route, signature, normalizer.
  void analyze_slow(std::string_view line, bool too_long, LineAnalysis& out);
  // Lines analyze() answered from a layout.
  std::uint64_t fast_lines() const { return fast_lines_; }

 private:
  void analyze_payload(const stream::EnvelopeView& envelope, LineAnalysis& out);
  static void hash_ids(LineAnalysis& out);

  const registry::RouteEngine& routes_;
  LineChecker* warm_;
  bool keep_readings_;
  bool want_match_;  // --resend: keep each line's route match and topic
  stream::EnvelopeParser parser_;
  std::unique_ptr<LayoutCache> layouts_;  // null where no layout can be read alone
  std::uint64_t fast_lines_ = 0;
};

class LineChecker {
 public:
  explicit LineChecker(CheckerConfig config);
  // Checks one line (without its newline) and counts it: analyze, then apply.
  // too_long: the reader skipped a line over its limit (text is then empty).
  // now_ns: the clock that timestamps are judged by.
  Verdict check(std::string_view line, bool too_long, std::int64_t now_ns);
  // The stateful part (duplicates, sequences, timestamps, counts) of a line
  // analyzed already, lines in input order. Takes the analysis' messages
  // with keep_readings.
  Verdict apply(LineAnalysis& analysis, std::int64_t now_ns);
  const Stats& stats() const { return stats_; }
  // With keep_readings: the messages of the last line found valid, with
  // their readings; empty after any other line (and always without).
  const std::vector<telemetry::Message>& messages() const { return messages_; }
  // With resend_topic_template: the gap events since the last call.
  std::vector<ResendGapEvent> take_gap_events() { return std::exchange(gap_events_, {}); }
  // Loads the table entries a line is likely to touch into the cache (no
  // state changes): the next lines' while this one is applied.
  void prefetch(const LineAnalysis& analysis);
  void warm(std::string_view msg_id, std::string_view device_id);
  // For LineAnalyzers on other threads (read only).
  const registry::RouteEngine& routes() const { return routes_; }
  const CheckerConfig& config() const { return config_; }

 private:
  Verdict apply_alarm(LineAnalysis& a);
  Verdict apply_readings(LineAnalysis& a, std::int64_t now_ns);
  bool is_duplicate(const LineAnalysis& a, std::string& detail);
  void track(const std::vector<telemetry::Message>& messages, DeviceStats* first, std::int64_t now_ns);
  void name_resend_topics(std::size_t from, const registry::RouteMatch& match, std::string_view topic);
  void count(const Verdict& verdict, DeviceStats* device);
  DeviceStats* device(std::string_view id);

  CheckerConfig config_;
  registry::RouteEngine routes_;
  LineAnalyzer analyzer_;  // check()'s own
  LineAnalysis analysis_;
  checks::DuplicateWindow window_;
  checks::SequenceChecker sequences_;  // the rules; each device's state is in stats_
  checks::TimestampChecks timestamps_;
  std::vector<checks::GapEvent> events_;
  std::vector<telemetry::Message> messages_;
  std::vector<ResendGapEvent> gap_events_;
  Stats stats_;
};

}  // namespace iot::verify
