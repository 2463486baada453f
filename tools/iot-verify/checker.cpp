#include "iot-verify/checker.hpp"

#include <fmt/format.h>

#include "sign/hmac.hpp"
#include "telemetry/normalize.hpp"

namespace iot::verify {
namespace {

// The HMAC text of seed 003's signed form, when the payload is in that form.
std::optional<std::string_view> signed_hmac(simdjson::dom::element payload) {
  simdjson::dom::object object;
  if (payload.get(object) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::element inner;
  if (object.at_key("payload").get(inner) != simdjson::SUCCESS) return std::nullopt;
  std::string_view hmac;
  if (object.at_key("hmac").get(hmac) != simdjson::SUCCESS) return std::nullopt;
  return hmac;
}

bool has_key(simdjson::dom::element payload, std::string_view key) {
  simdjson::dom::object object;
  simdjson::dom::element ignored;
  return payload.get(object) == simdjson::SUCCESS && object.at_key(key).get(ignored) == simdjson::SUCCESS;
}

// The msg_id a payload most likely carries (top level, or inside seed 003's
// signed wrapper), only to warm the duplicate window's cache; the verdict
// still comes from the normalized messages.
std::string_view msg_id_hint(simdjson::dom::element payload) {
  simdjson::dom::object object;
  if (payload.get(object) != simdjson::SUCCESS) return {};
  std::string_view id;
  if (object.at_key("msg_id").get(id) == simdjson::SUCCESS) return id;
  simdjson::dom::object inner;
  if (object.at_key("payload").get(inner) == simdjson::SUCCESS && inner.at_key("msg_id").get(id) == simdjson::SUCCESS)
    return id;
  return {};
}

Verdict bad(std::string_view reason, std::string detail) { return Verdict{false, reason, std::move(detail)}; }

}  // namespace

LineChecker::LineChecker(CheckerConfig config)
    : config_(std::move(config)),
      window_(config_.window),
      sequences_(config_.seq_limits),
      timestamps_(config_.time_limits) {}

DeviceStats* LineChecker::device(std::string_view id) {
  if (id.empty()) return nullptr;
  auto it = stats_.devices.find(id);
  if (it != stats_.devices.end()) return &it->second;
  if (stats_.devices.size() >= config_.max_devices) return nullptr;
  return &stats_.devices.try_emplace(std::string(id)).first->second;
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
  else if (!current_device_.empty()) ++stats_.untracked_devices_lines;
}

Verdict LineChecker::check(std::string_view line, bool too_long, std::int64_t now_ns, const Verdict* signature) {
  current_device_ = {};
  if (too_long) {
    Verdict v = bad("too_large", "line longer than the line limit, skipped");
    count(v, nullptr);
    return v;
  }
  auto envelope = parser_.parse(line);
  if (!envelope) {
    const Error& e = envelope.error();
    Verdict v = bad(e.reason == "schema" ? "schema" : e.reason == "too_large" ? "too_large" : "bad_json", e.message);
    count(v, nullptr);
    return v;
  }
  if (!envelope->has_payload) {  // raw bytes (payload_b64): nothing to check in them
    Verdict v;
    count(v, nullptr);
    return v;
  }
  window_.prefetch(msg_id_hint(envelope->payload));  // loads while the signature is checked
  return check_payload(envelope->payload, envelope->topic.value_or(std::string_view{}), now_ns, signature);
}

Verdict signature_verdict(simdjson::dom::element payload, const std::optional<std::string>& key, bool allow_unsigned) {
  if (!key) return {};
  if (!signed_hmac(payload)) {
    if (allow_unsigned || has_key(payload, "hmac")) {
      if (!has_key(payload, "hmac")) return {};
      return bad("bad_signature", "malformed: hmac is not a string or payload is missing");
    }
    return bad("bad_signature", "missing: the message carries no hmac (see --allow-unsigned)");
  }
  switch (sign::verify_signed(payload, *key)) {
    case sign::SignatureStatus::ok: return {};
    case sign::SignatureStatus::bad_signature: return bad("bad_signature", "forged: HMAC does not match the payload");
    case sign::SignatureStatus::missing: return bad("bad_signature", "missing: the message carries no hmac");
    case sign::SignatureStatus::malformed:
      return bad("bad_signature", "malformed: hmac is not base64 of 32 bytes, or the payload cannot be canonicalized");
  }
  return {};
}

bool LineChecker::is_duplicate(simdjson::dom::element payload, const std::vector<telemetry::Message>& messages,
                               std::string& detail) {
  bool any_id = false;
  for (const auto& m : messages) {
    if (m.msg_id.empty()) continue;
    any_id = true;
    if (window_.seen_or_insert(m.msg_id)) {
      detail = fmt::format("msg_id {} seen before", m.msg_id);
      return true;
    }
  }
  // Seed 003's signed messages carry no msg_id: the HMAC itself identifies
  // the message (the same payload signed twice is the same message).
  if (any_id) return false;
  if (auto hmac = signed_hmac(payload)) {
    if (window_.seen_or_insert(fmt::format("hmac:{}", *hmac))) {
      detail = fmt::format("signed message (hmac {}) seen before", *hmac);
      return true;
    }
  }
  return false;
}

void LineChecker::track(const std::vector<telemetry::Message>& messages, DeviceStats* first, std::int64_t now_ns) {
  for (const auto& m : messages) {
    // The line's first device was looked up already (one hash lookup less per line).
    DeviceStats* d = &m == &messages.front() ? first : device(m.device_id);
    auto add = [&](std::uint64_t Counters::*field, std::uint64_t n) {
      stats_.totals.*field += n;
      if (d) d->counters.*field += n;
    };
    if (m.seq && !m.device_id.empty()) {
      events_.clear();
      auto r = sequences_.observe(m.device_id, *m.seq, events_);
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
      if (d) d->last_seq = r.last_seq;
    }
    auto f = timestamps_.check(m.time_ns, m.edge_latency_ms, now_ns);
    if (f.future) add(&Counters::future_ts, 1);
    if (f.stale) add(&Counters::stale_ts, 1);
    if (f.drift) add(&Counters::clock_drift, 1);
  }
}

Verdict LineChecker::check_payload(simdjson::dom::element payload, std::string_view topic, std::int64_t now_ns,
                                   const Verdict* signature) {
  telemetry::NormalizeContext context;
  context.topic = topic;
  context.keep_readings = false;  // the checks read headers only
  const std::optional<std::string>* key = &config_.key;
  std::optional<registry::RouteMatch> route;
  if (config_.registry && !topic.empty()) {
    auto match = config_.registry->route(topic);
    if (!match) {
      Verdict v = bad("no_route", match.error().message);
      count(v, nullptr);
      return v;
    }
    route = std::move(*match);
    context = route->context(topic);
    context.keep_readings = false;
    if (route->route->key) {
      key = &route->route->key;
      signature = nullptr;  // computed with the global key, if at all
    }
  }
  Verdict v = signature ? *signature : signature_verdict(payload, *key, config_.allow_unsigned);
  if (!v.ok) {
    // Still name the device when the payload reads, so the report can say whose it was.
    auto messages = telemetry::normalize(payload, context);
    DeviceStats* d = messages && !messages->empty() ? device(messages->front().device_id) : nullptr;
    if (messages && !messages->empty()) current_device_ = messages->front().device_id;
    count(v, d);
    return v;
  }
  auto messages = telemetry::normalize(payload, context);
  if (!messages) {
    v = bad("schema", messages.error().message);
    count(v, nullptr);
    return v;
  }
  DeviceStats* d = messages->empty() ? nullptr : device(messages->front().device_id);
  if (!messages->empty()) current_device_ = messages->front().device_id;
  std::string detail;
  if (is_duplicate(payload, *messages, detail)) {
    v = bad("duplicate", std::move(detail));
    count(v, d);
    return v;
  }
  track(*messages, d, now_ns);
  count(v, d);
  return v;
}

}  // namespace iot::verify
