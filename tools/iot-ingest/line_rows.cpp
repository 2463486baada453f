#include "iot-ingest/line_rows.hpp"

#include "rules/alarm_payload.hpp"

namespace iot::ingest {
namespace {

Result<store::AlarmRow> alarm_row(simdjson::dom::element payload, std::string_view topic) {
  auto a = rules::read_alarm_payload(payload);
  if (!a) return a.error();
  store::AlarmRow row;
  row.msg_id = a->msg_id;
  row.device_id = a->device_id;
  row.rule = a->rule;
  row.check = a->check;
  row.metric = a->metric;
  row.raise = a->raise();
  row.value = a->value;
  row.since_ms = a->since_ms;
  row.ts_ms = a->ts_ms;
  row.detail = a->detail;
  row.topic = topic;
  return row;
}

// A signed route checks the signature first and keeps the signed payload.
Result<KindOutput> record_kind_rows(const stream::EnvelopeView& env, const registry::RouteMatch& match,
                                    const registry::RouteEngine& routes, std::string_view topic, std::int64_t now_ns) {
  KindInput in{env.payload, topic, env.exact_payload, env.rx_ts, now_ns};
  if (*match.key) {
    if (auto st = routes.check_signature(env.payload, match, env.exact_payload); !st) return st.error();
    simdjson::dom::element inner;
    if (!env.payload["payload"].get(inner)) {
      in.payload = inner;
      in.exact_payload.reset();
    }
  }
  return build_kind(in, match);
}

// The payload read as the route's shape, each message's rows built.
Result<std::vector<BuiltMessage>> reading_messages(const stream::EnvelopeView& env, const registry::RouteMatch& match,
                                                   const registry::RouteEngine& routes, std::string_view topic,
                                                   const Enrichment& enrichment) {
  auto read = routes.read(env.payload, match, topic, env.exact_payload);
  if (!read) return read.error();
  return build_messages(read->messages, match, read->tags, enrichment);
}

}  // namespace

Result<LineRows> line_rows(const stream::EnvelopeView& env, const registry::RouteEngine& routes,
                           const Enrichment& enrichment, std::int64_t now_ns) {
  LineRows out;
  std::string_view topic = env.topic.value_or(std::string_view());
  auto match = routes.route(topic, &env.fields);
  if (!match) return match.error();
  if (!env.has_payload)
    return make_error(ErrorKind::bad_input, "decode", "a binary payload (payload_b64) holds no readings");
  if (match->route && is_record_kind(match->route->kind)) {
    auto kind = record_kind_rows(env, *match, routes, topic, now_ns);
    if (!kind) return kind.error();
    out.kind = std::move(*kind);
    if (out.kind->readings) {  // metrics with store = true: its readings as well
      auto built = reading_messages(env, *match, routes, topic, enrichment);
      if (!built) return built.error();
      out.messages = std::move(*built);
    }
    out.match = std::move(*match);
    return out;
  }
  bool alarm_route = match->route && match->route->kind == registry::RouteKind::alarm;
  if (alarm_route && !rules::is_alarm_payload(env.payload))
    return make_error(ErrorKind::bad_input, "schema",
                      "a route of kind alarm takes alarm payloads (\"kind\": \"alarm\", iot-stream(5) ALARMS)");
  if (rules::is_alarm_payload(env.payload)) {
    auto a = alarm_row(env.payload, topic);
    if (!a) return a.error();
    out.alarm = std::move(*a);
    out.match = std::move(*match);
    return out;
  }
  if (is_waveform_line(env.payload)) {
    auto w = build_waveform(env.payload);
    if (!w) return w.error();
    out.waveform = std::move(*w);
    out.match = std::move(*match);
    return out;
  }
  auto built = reading_messages(env, *match, routes, topic, enrichment);
  if (!built) return built.error();
  out.messages = std::move(*built);
  out.match = std::move(*match);
  return out;
}

}  // namespace iot::ingest
