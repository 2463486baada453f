#include "iot-verify/checker.hpp"

#include <fmt/format.h>

#include "core/log.hpp"
#include "iot-verify/layout_cache.hpp"
#include "registry/signature_check.hpp"
#include "resend/resend_topic.hpp"
#include "rules/alarm_payload.hpp"
#include "telemetry/normalize.hpp"

namespace iot::verify {
namespace {

// The msg_id a payload most likely carries (top level, or inside the signed
// shape's wrapper), only to warm the duplicate window's cache; the verdict
// still comes from the normalized messages.
std::string_view top_level_hint(simdjson::dom::element payload, std::string_view key) {
  simdjson::dom::object object;
  if (payload.get(object) != simdjson::SUCCESS) return {};
  std::string_view id;
  if (object.at_key(key).get(id) == simdjson::SUCCESS) return id;
  simdjson::dom::object inner;
  if (object.at_key("payload").get(inner) == simdjson::SUCCESS && inner.at_key(key).get(id) == simdjson::SUCCESS)
    return id;
  return {};
}
std::string_view msg_id_hint(simdjson::dom::element payload) { return top_level_hint(payload, "msg_id"); }
// Likewise the device_id, to warm the device table (iot-verify(1), Resource use).
std::string_view device_id_hint(simdjson::dom::element payload) { return top_level_hint(payload, "device_id"); }

Verdict bad(std::string_view reason, std::string detail) { return Verdict{false, reason, std::move(detail)}; }

registry::RouteEngine route_engine(const CheckerConfig& c) {
  registry::RouteDefaults defaults;
  defaults.key = c.key;
  defaults.allow_unsigned = c.allow_unsigned;
  std::optional<registry::Registry> routes;
  if (c.registry) routes = *c.registry;
  return registry::RouteEngine(std::move(defaults), std::move(routes));
}

// The reasons the route engine gives, as the static words a Verdict holds.
std::string_view reason_word(const std::string& reason) {
  for (std::string_view word : {"no_route", "bad_signature", "schema"})
    if (reason == word) return word;
  return "schema";
}

Verdict verdict_of(const Error& e) { return bad(reason_word(e.reason), e.message); }

}  // namespace

LineAnalyzer::LineAnalyzer(const registry::RouteEngine& routes, const CheckerConfig& config, LineChecker* warm)
    : routes_(routes),
      warm_(warm),
      keep_readings_(config.keep_readings),
      want_match_(config.resend_topic_template.has_value()),
      layouts_(LayoutCache::make(routes, config)) {}

LineAnalyzer::~LineAnalyzer() = default;

void LineAnalyzer::analyze(std::string_view line, bool too_long, LineAnalysis& out) {
  if (!layouts_ || too_long) {
    analyze_slow(line, too_long, out);
  } else if (layouts_->analyze(line, out, warm_)) {
    ++fast_lines_;
  } else {
    analyze_slow(line, too_long, out);
    layouts_->learn(line, out);
  }
  hash_ids(out);
}

void LineAnalyzer::hash_ids(LineAnalysis& out) {
  out.id_hashes.clear();
  if (out.kind != LineAnalysis::Kind::readings || !out.read || !out.verdict.ok) return;
  out.id_hashes.resize(out.messages.size());
  for (std::size_t i = 0; i < out.messages.size(); ++i)
    if (!out.messages[i].msg_id.empty()) out.id_hashes[i] = checks::hash_id(out.messages[i].msg_id);
}

void LineAnalyzer::analyze_slow(std::string_view line, bool too_long, LineAnalysis& out) {
  out.kind = LineAnalysis::Kind::final;
  out.verdict = Verdict{};
  out.alarm_msg_id.clear();
  out.read = false;
  out.messages.clear();
  out.id_hashes.clear();  // analyze() hashes afterwards; a direct caller gets the text path
  out.signed_hmac.reset();
  out.topic.clear();
  if (too_long) {
    out.verdict = bad("too_large", "line longer than the line limit, skipped");
    return;
  }
  auto envelope = parser_.parse(line);
  if (!envelope) {
    const Error& e = envelope.error();
    out.verdict = bad(e.reason == "schema" ? "schema" : e.reason == "too_large" ? "too_large" : "bad_json", e.message);
    return;
  }
  if (!envelope->has_payload) return;  // raw bytes (payload_b64): nothing to check in them
  if (rules::is_alarm_payload(envelope->payload)) {
    // An alarm envelope of iot-verify --rules upstream: its fields are
    // checked here, its msg_id deduplicated by apply() (QoS 1 may deliver it
    // twice); it is no reading, so no device counts and no rule sees it.
    auto alarm = rules::read_alarm_payload(envelope->payload);
    if (!alarm) {
      out.verdict = bad("schema", alarm.error().message);
      return;
    }
    out.kind = LineAnalysis::Kind::alarm;
    out.alarm_msg_id.assign(alarm->msg_id);
    return;
  }
  if (warm_) warm_->warm(msg_id_hint(envelope->payload), device_id_hint(envelope->payload));
  analyze_payload(*envelope, out);
}

void LineAnalyzer::analyze_payload(const stream::EnvelopeView& envelope, LineAnalysis& out) {
  simdjson::dom::element payload = envelope.payload;
  std::string_view topic = envelope.topic.value_or(std::string_view{});
  auto match = routes_.route(topic, &envelope.fields);
  if (!match) {
    out.verdict = verdict_of(match.error());
    return;
  }
  // Checked with the route known: a route's own key replaces --key-file.
  Verdict v;
  if (auto st = routes_.check_signature(payload, *match, envelope.exact_payload, stream::payload_text(envelope)); !st)
    v = verdict_of(st.error());
  // A route of a kind that carries no readings (iot-registry(5), KINDS:
  // state, event, log, job, ...) passes once its signature holds: its
  // payload is iot-ingest's to store, not a reading to check.
  // An alarm payload never gets here, so on an alarm route it is refused as
  // iot-ingest refuses it.
  const registry::Route& route = *match->route;
  if (v.ok && route.kind == registry::RouteKind::alarm)
    v = bad("schema", "a route of kind alarm takes alarm payloads (\"kind\": \"alarm\", iot-stream(5) ALARMS)");
  if (v.ok && route.kind != registry::RouteKind::readings &&
      !(route.kind == registry::RouteKind::metrics && route.store)) {
    out.verdict = std::move(v);
    return;
  }
  // The checks read headers only: nested readings are checked, not kept
  // (unless the rules want them). With a bad signature the payload is still
  // read, so the report can say whose it was.
  out.kind = LineAnalysis::Kind::readings;
  auto read = routes_.normalize(payload, *match, topic, keep_readings_);
  if (read) {
    out.read = true;
    out.messages = std::move(read->messages);
  } else {
    out.read_error = verdict_of(read.error());
  }
  const bool good = v.ok && read;
  out.verdict = std::move(v);
  if (!good) return;
  // Signed-shape messages carry no msg_id: the HMAC itself identifies
  // the message (the same payload signed twice is the same message).
  bool any_id = false;
  for (const auto& m : out.messages) any_id = any_id || !m.msg_id.empty();
  if (!any_id)
    if (auto hmac = registry::signed_hmac(payload)) out.signed_hmac.emplace(*hmac);
  if (want_match_) {
    out.match = std::move(*match);
    out.topic.assign(topic);
  }
}

LineChecker::LineChecker(CheckerConfig config)
    : config_(std::move(config)),
      routes_(route_engine(config_)),
      analyzer_(routes_, config_, this),
      window_(config_.window),
      sequences_(config_.seq_limits.max_gaps_per_device),
      timestamps_(config_.time_limits),
      stats_(config_.max_devices) {}

void LineChecker::warm(std::string_view msg_id, std::string_view device_id) {
  window_.prefetch(msg_id);
  stats_.devices.prefetch(device_id);
}

void LineChecker::prefetch(const LineAnalysis& a) {
  if (a.kind != LineAnalysis::Kind::readings || a.messages.empty()) return;
  const auto& first = a.messages.front();
  if (!a.id_hashes.empty() && !first.msg_id.empty()) window_.prefetch(a.id_hashes.front());
  else window_.prefetch(first.msg_id);
  stats_.devices.prefetch(first.device_id);
}

DeviceStats* LineChecker::device(std::string_view id) {
  if (id.empty()) return nullptr;
  bool created = false;
  return &stats_.devices.touch(id, created);
}

void LineChecker::count(const Verdict& v, DeviceStats* d) {
  auto apply = [&](Counters& c) {
    ++c.total;
    if (v.ok) {
      ++c.valid;
      return;
    }
    ++c.invalid;
    if (v.reason == "bad_signature") ++c.bad_signature;
    else if (v.reason == "schema" || v.reason == "no_route") ++c.schema_errors;
    else if (v.reason == "duplicate") ++c.duplicates;
    else ++c.bad_json;  // bad_json, too_large
  };
  apply(stats_.totals);
  if (d) apply(d->counters);
}

Verdict LineChecker::check(std::string_view line, bool too_long, std::int64_t now_ns) {
  analyzer_.analyze(line, too_long, analysis_);
  return apply(analysis_, now_ns);
}

Verdict LineChecker::apply(LineAnalysis& a, std::int64_t now_ns) {
  messages_.clear();
  switch (a.kind) {
    case LineAnalysis::Kind::alarm: return apply_alarm(a);
    case LineAnalysis::Kind::readings: return apply_readings(a, now_ns);
    case LineAnalysis::Kind::final: break;
  }
  count(a.verdict, nullptr);
  return std::move(a.verdict);
}

Verdict LineChecker::apply_alarm(LineAnalysis& a) {
  Verdict v;
  if (window_.seen_or_insert(a.alarm_msg_id)) v = bad("duplicate", fmt::format("alarm msg_id {} seen before", a.alarm_msg_id));
  count(v, nullptr);
  return v;
}

bool LineChecker::is_duplicate(const LineAnalysis& a, std::string& detail) {
  // Hashed by the analyzer where it could (a good line); else here.
  const bool hashed = a.id_hashes.size() == a.messages.size();
  for (std::size_t i = 0; i < a.messages.size(); ++i) {
    const auto& m = a.messages[i];
    if (m.msg_id.empty()) continue;
    if (hashed ? window_.seen_or_insert(a.id_hashes[i]) : window_.seen_or_insert(m.msg_id)) {
      detail = fmt::format("msg_id {} seen before", m.msg_id);
      return true;
    }
  }
  // Set only when no message has a msg_id (LineAnalyzer).
  if (a.signed_hmac && window_.seen_or_insert(fmt::format("hmac:{}", *a.signed_hmac))) {
    detail = fmt::format("signed message (hmac {}) seen before", *a.signed_hmac);
    return true;
  }
  return false;
}

void LineChecker::track(const std::vector<telemetry::Message>& messages, DeviceStats* first, std::int64_t now_ns) {
  for (const auto& m : messages) {
    // The line's first device was looked up already (one hash lookup less per line).
    DeviceStats* d = &m == &messages.front() ? first : device(m.device_id);
    auto add = [&](Count Counters::*field, std::uint64_t n) {
      stats_.totals.*field += n;
      if (d) d->counters.*field += n;
    };
    if (m.seq && d) {
      events_.clear();
      auto r = sequences_.observe(d->seq, m.device_id, *m.seq, events_);
      if (config_.resend_topic_template)
        for (const auto& e : events_) gap_events_.push_back(ResendGapEvent{e, {}});
      for (const auto& e : events_) {
        if (e.kind == checks::GapEventKind::opened) {
          add(&Counters::gap_events, 1);
          add(&Counters::missing, static_cast<std::uint64_t>(e.gap.to) - static_cast<std::uint64_t>(e.gap.from) + 1);
        } else if (e.kind != checks::GapEventKind::dropped) {
          add(&Counters::missing, static_cast<std::uint64_t>(-1));  // one late seq arrived: missing - 1
        }
      }
      if (r.outcome == checks::SeqOutcome::reordered || r.outcome == checks::SeqOutcome::filled_gap)
        add(&Counters::reordered, 1);
    }
    auto f = timestamps_.check(m.time_ns, m.edge_latency_ms, now_ns);
    if (f.future) add(&Counters::future_ts, 1);
    if (f.stale) add(&Counters::stale_ts, 1);
    if (f.drift) add(&Counters::clock_drift, 1);
  }
}

// The resend topic of the gaps this line opened: its route's resend_topic,
// else --resend-topic. One that cannot be filled leaves the gap unasked.
void LineChecker::name_resend_topics(std::size_t from, const registry::RouteMatch& match, std::string_view topic) {
  const std::string& tmpl = match.route && match.route->resend_topic ? *match.route->resend_topic
                                                                     : *config_.resend_topic_template;
  std::optional<std::string> resend_topic;
  for (std::size_t i = from; i < gap_events_.size(); ++i) {
    if (gap_events_[i].event.kind != checks::GapEventKind::opened) continue;
    if (!resend_topic) {
      auto filled = resend::resend_topic_for(tmpl, topic, &match.fields);
      if (!filled) {
        log::warn_repeated("resend_topic", "--resend: no resend topic for {}: {}", topic, filled.error().message);
        resend_topic = std::string();
      } else {
        resend_topic = std::move(*filled);
      }
    }
    gap_events_[i].resend_topic = *resend_topic;
  }
}

Verdict LineChecker::apply_readings(LineAnalysis& a, std::int64_t now_ns) {
  if (!a.verdict.ok) {
    // Still name the device when the payload reads, so the report can say whose it was.
    DeviceStats* d = a.read && !a.messages.empty() ? device(a.messages.front().device_id) : nullptr;
    count(a.verdict, d);
    return std::move(a.verdict);
  }
  if (!a.read) {
    count(a.read_error, nullptr);
    return std::move(a.read_error);
  }
  const std::vector<telemetry::Message>& messages = a.messages;
  DeviceStats* d = messages.empty() ? nullptr : device(messages.front().device_id);
  Verdict v;
  std::string detail;
  if (is_duplicate(a, detail)) {
    v = bad("duplicate", std::move(detail));
    count(v, d);
    return v;
  }
  const std::size_t gaps_before = gap_events_.size();
  track(messages, d, now_ns);
  if (gap_events_.size() > gaps_before) name_resend_topics(gaps_before, a.match, a.topic);
  // Other devices of a batch line may have taken the first one's entry
  // (a cap smaller than the batch): look it up again.
  if (messages.size() > 1) d = device(messages.front().device_id);
  count(v, d);
  // Left in the analysis otherwise: freed or reused on the thread that made them.
  if (config_.keep_readings) messages_ = std::move(a.messages);
  return v;
}

}  // namespace iot::verify
