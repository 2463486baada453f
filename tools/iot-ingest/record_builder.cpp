#include "iot-ingest/record_builder.hpp"

#include "codec/base64.hpp"
#include "sign/hmac.hpp"
#include "telemetry/field_template.hpp"
#include "telemetry/normalize.hpp"

namespace iot::ingest {
namespace {

using registry::RouteKind;
using store::RecordTable;

Error schema_error(RouteKind kind, const std::string& what) {
  return make_error(ErrorKind::bad_input, "schema", "kind " + std::string(registry::route_kind_name(kind)) + ": " + what);
}

// The first of `keys` the payload holds as a non-empty string (or a
// number, as text): an empty one is as good as none.
std::optional<std::string> payload_text(const simdjson::dom::object& o, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    simdjson::dom::element e;
    if (o[key].get(e)) continue;
    std::string_view s;
    if (!e.get_string().get(s)) {
      if (s.empty()) continue;
      return std::string(s);
    }
    if (e.is_number()) return simdjson::minify(e);
  }
  return std::nullopt;
}

std::optional<std::string> field_text(const std::map<std::string, std::string>& fields,
                                      std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    if (auto it = fields.find(key); it != fields.end() && !it->second.empty()) return it->second;
  return std::nullopt;
}

// A capture of the topic first (events/{type}, jobs/{job_id}/update), then the payload.
std::optional<std::string> capture_or_payload(const registry::RouteMatch& match, const simdjson::dom::object& o,
                                              std::initializer_list<const char*> keys) {
  if (auto v = field_text(match.fields, keys)) return v;
  return payload_text(o, keys);
}

// A digest of topic and payload: copies of a message without a msg_id of
// its own still share one.
std::string derived_msg_id(std::string_view topic, std::string_view payload) {
  std::string text(topic);
  text += '\n';
  text += payload;
  auto d = sign::hmac_sha256("iot-ingest msg_id", text);
  return codec::hex_encode(std::string_view(reinterpret_cast<const char*>(d.data()), 16));
}

}  // namespace

bool is_record_kind(RouteKind kind) { return kind != RouteKind::readings && kind != RouteKind::alarm; }

Result<KindOutput> build_kind(const KindInput& in, const registry::RouteMatch& match) {
  const registry::Route& route = *match.route;
  const RouteKind kind = route.kind;
  KindOutput out;
  simdjson::dom::object o;
  std::string_view log_line;
  const bool bare_log = kind == RouteKind::log && !in.payload.get_string().get(log_line);
  if (!bare_log && in.payload.get_object().get(o)) return schema_error(kind, "the payload is not a JSON object");
  const std::string payload = in.exact_payload ? std::string(*in.exact_payload) : simdjson::minify(in.payload);
  // Neither a text column nor PostgreSQL's jsonb can hold a NUL.
  if (payload.find("\\u0000") != std::string::npos) return schema_error(kind, "a NUL character in the payload");

  // Device: the route's template, else the payload's device_id, else a capture.
  if (!route.device_template.empty()) {
    auto d = telemetry::expand_template(route.device_template, &match.fields, in.payload);
    if (!d) return schema_error(kind, "device: " + d.error().message);
    out.device_id = std::move(*d);
  } else if (auto d = bare_log ? std::nullopt : payload_text(o, {"device_id"})) {
    out.device_id = std::move(*d);
  } else if (auto c = field_text(match.fields, {"device_id", "device", "agent"})) {
    out.device_id = std::move(*c);
  }
  if (out.device_id.empty())
    return schema_error(kind, "no device (a device template on the route, or the payload's device_id)");

  std::optional<std::string> own_id = bare_log ? std::nullopt : payload_text(o, {"msg_id"});
  if (kind == RouteKind::action && !own_id)
    return schema_error(kind, "no msg_id (an action is stored exactly once by the sender's msg_id)");
  out.msg_id = own_id ? *own_id : derived_msg_id(in.topic, payload);

  store::RecordRow row;
  row.msg_id = out.msg_id;
  row.device_id = out.device_id;
  row.topic = std::string(in.topic);
  row.json = payload;
  if (auto t = field_text(match.fields, {"tenant"})) row.tenant = *t;
  else if (!bare_log) row.tenant = payload_text(o, {"tenant"}).value_or("");
  row.time_ns = in.rx_ts.value_or(in.now_ns);
  for (const char* key : {"ts", "time", "timestamp"}) {
    simdjson::dom::element e;
    if (bare_log || o[key].get(e)) continue;
    auto t = telemetry::parse_timestamp_ns(e);
    if (!t) return schema_error(kind, std::string(key) + ": " + t.error().message);
    row.time_ns = *t;
    break;
  }
  if (row.topic.find('\0') != std::string::npos) return schema_error(kind, "a NUL character in the topic");
  auto notice = [&](bool publish, const std::string& key_template) -> Status {
    auto key = telemetry::expand_template(key_template, &match.fields, in.payload);
    if (!key) return schema_error(kind, std::string(publish ? "channel: " : "stream: ") + key.error().message);
    out.notices.push_back({publish, std::move(*key), payload, out.device_id, out.msg_id, route.max_len});
    return ok_status();
  };

  switch (kind) {
    case RouteKind::state: {
      row.table = RecordTable::agent_state;
      out.records.push_back(row);
      row.table = RecordTable::agent_state_history;
      out.records.push_back(row);
      if (!route.channel.empty())
        if (auto st = notice(true, route.channel); !st) return st.error();
      break;
    }
    case RouteKind::metrics:
      if (!route.channel.empty())
        if (auto st = notice(true, route.channel); !st) return st.error();
      out.readings = route.store;
      break;
    case RouteKind::event:
    case RouteKind::lifecycle: {
      auto type = capture_or_payload(match, o, {"type", "event"});
      if (!type) return schema_error(kind, "no type (a {type} capture of the topic, or the payload's type)");
      row.table = RecordTable::events;
      row.name = *type;
      row.label = payload_text(o, {"severity", "level"}).value_or("");
      out.records.push_back(row);
      break;
    }
    case RouteKind::log: {
      auto message = bare_log ? std::optional<std::string>(std::string(log_line))
                              : payload_text(o, {"message", "msg", "line", "log"});
      if (!message || message->empty()) return schema_error(kind, "no message (a JSON string, or an object with message)");
      row.table = RecordTable::logs;
      row.text = *message;
      row.name = field_text(match.fields, {"container"}).value_or(bare_log ? "" : payload_text(o, {"container"}).value_or(""));
      if (!bare_log) row.label = payload_text(o, {"level", "severity"}).value_or("");
      if (route.stream.empty() || route.store) out.records.push_back(row);
      if (!route.stream.empty())
        if (auto st = notice(false, route.stream); !st) return st.error();
      break;
    }
    case RouteKind::job: {
      auto job = capture_or_payload(match, o, {"job_id", "jobId"});
      if (!job) return schema_error(kind, "no job id (a {job_id} capture of the topic, or the payload's job_id)");
      auto status = payload_text(o, {"status"});
      if (!status) return schema_error(kind, "no status");
      row.table = RecordTable::agent_job_status;
      row.name = *job;
      row.label = *status;
      simdjson::dom::element p;
      if (!o["progress"].get(p)) {
        double v = 0;
        if (p.is_int64()) row.number = static_cast<double>(p.get_int64().value());
        else if (!p.get_double().get(v)) row.number = v;
        else return schema_error(kind, "progress is not a number");
      }
      out.records.push_back(row);
      break;
    }
    case RouteKind::job_request:
      row.table = RecordTable::job_requests;
      out.records.push_back(row);
      break;
    case RouteKind::action: {
      auto action = payload_text(o, {"action", "name"});
      if (!action) return schema_error(kind, "no action (the payload's action name)");
      row.table = RecordTable::actions;
      row.name = *action;
      out.records.push_back(row);
      break;
    }
    case RouteKind::readings:
    case RouteKind::alarm:
      return make_error(ErrorKind::internal, "internal", "build_kind: not a record kind");
  }
  return out;
}

}  // namespace iot::ingest
