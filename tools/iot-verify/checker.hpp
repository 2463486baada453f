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

// The signature part of the checks, stateless: with a key, a payload in
// the signed shape must verify; one without an HMAC is bad unless
// allow_unsigned. Without a key, every payload passes. Safe to run on
// another thread than the LineChecker (see pipeline.hpp).
// exact_payload: the payload's text when it held integers beyond 64 bits (stream::EnvelopeView).
Verdict signature_verdict(simdjson::dom::element payload, const std::optional<std::string>& key, bool allow_unsigned,
                          std::optional<std::string_view> exact_payload = std::nullopt);

class LineChecker {
 public:
  explicit LineChecker(CheckerConfig config);
  // Checks one line (without its newline) and counts it. too_long: the
  // reader skipped a line over its limit (text is then empty).
  // now_ns: the clock that timestamps are judged by. signature: the line's
  // signature_verdict when computed already (else computed here).
  Verdict check(std::string_view line, bool too_long, std::int64_t now_ns, const Verdict* signature = nullptr);
  const Stats& stats() const { return stats_; }
  // The messages of the last line check() found valid, with their readings
  // when keep_readings; empty after any other line.
  const std::vector<telemetry::Message>& messages() const { return messages_; }
  // With resend_topic_template: the gap events since the last call.
  std::vector<ResendGapEvent> take_gap_events() { return std::exchange(gap_events_, {}); }

 private:
  Verdict check_payload(const stream::EnvelopeView& envelope, std::int64_t now_ns, const Verdict* signature);
  Verdict check_alarm(simdjson::dom::element payload);
  bool is_duplicate(simdjson::dom::element payload, const std::vector<telemetry::Message>& messages,
                    std::string& detail);
  void track(const std::vector<telemetry::Message>& messages, DeviceStats* first, std::int64_t now_ns);
  void name_resend_topics(std::size_t from, const registry::RouteMatch& match, std::string_view topic);
  void count(const Verdict& verdict, DeviceStats* device);
  DeviceStats* device(std::string_view id);

  CheckerConfig config_;
  registry::RouteEngine routes_;
  stream::EnvelopeParser parser_;
  checks::DuplicateWindow window_;
  checks::SequenceChecker sequences_;  // the rules; each device's state is in stats_
  checks::TimestampChecks timestamps_;
  std::vector<checks::GapEvent> events_;
  std::vector<telemetry::Message> messages_;
  std::vector<ResendGapEvent> gap_events_;
  Stats stats_;
};

}  // namespace iot::verify
