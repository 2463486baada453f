// The signed shape {"hmac", "payload": {metrics..., "ts": s, "ts_ns": ns}}
// and the kpi shape {site_code, sensor_id, timestamp, value}.
#include <limits>
#include <string>

#include "telemetry/shape_readers.hpp"

namespace iot::telemetry::detail {

Result<std::int64_t> seconds_ns_to_ns(std::int64_t seconds, std::int64_t fraction) {
  if (fraction < 0 || fraction > 999'999'999) return schema_error("ts_ns", "not within 0..999999999");
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / 1'000'000'000 - 1;
  if (seconds > limit || seconds < -limit) return schema_error("ts", "out of range");
  return seconds * 1'000'000'000 + fraction;
}

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

bool is_reserved_key(std::string_view key) {
  return key == "ts" || key == "ts_ns" || key == "seq" || key == "msg_id" || key == "device_id" ||
         key == "schema_version" || key == "device_type";
}

bool is_number(element value) {
  auto t = value.type();
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

// ts (seconds) + ts_ns (nanoseconds, 0..999999999) -> ns since the epoch.
Result<std::int64_t> signed_time(object payload) {
  auto ts = optional_integer(payload, "ts");
  if (!ts) return ts.error();
  if (!*ts) return schema_error("ts", "missing");
  auto ts_ns = optional_integer(payload, "ts_ns");
  if (!ts_ns) return ts_ns.error();
  return seconds_ns_to_ns(**ts, ts_ns->value_or(0));
}

// The device of a signed-shape message: template, else device_id, else the topic.
Result<std::string> signed_device(object payload, const NormalizeContext& context) {
  Naming naming{context, payload};
  auto device_id = optional_string(payload, "device_id");
  if (!device_id) return device_id.error();
  std::string_view own = device_id->value_or(context.topic);
  auto device = naming.device(own);
  if (!device) return device.error();
  if (device->empty()) return schema_error("device_id", "missing (and no topic or device template)");
  return device;
}

// The signed shape's metric form: numeric keys but the reserved ones are readings.
Status read_metric_payload(object payload, const NormalizeContext& context, bool is_signed,
                           std::vector<Message>& out) {
  Message m;
  m.shape = Shape::signed_envelope;
  m.is_signed = is_signed;
  auto time = signed_time(payload);
  if (!time) return time.error();
  m.time_ns = *time;
  auto device = signed_device(payload, context);
  if (!device) return device.error();
  m.device_id = std::move(*device);
  auto msg_id = optional_string(payload, "msg_id");
  if (!msg_id) return msg_id.error();
  if (*msg_id) m.msg_id = **msg_id;
  auto seq = optional_integer(payload, "seq");
  if (!seq) return seq.error();
  m.seq = *seq;
  Naming naming{context, payload};
  m.readings.reserve(payload.size());
  for (auto [key, value] : payload) {
    if (is_reserved_key(key) || !is_number(value)) continue;
    Reading r;
    r.time_ns = *m.time_ns;
    r.device_id = m.device_id;
    auto metric = naming.metric(key);
    if (!metric) return metric.error();
    r.metric = std::move(*metric);
    auto number = number_or_null(value, key);
    if (!number) return number.error();
    r.value = *number;
    m.readings.push_back(std::move(r));
  }
  out.push_back(std::move(m));
  return ok_status();
}

// site_code and sensor_id may be strings or integers.
Result<std::string> id_text(object payload, std::string_view key) {
  element value;
  if (payload[key].get(value)) return schema_error(key, "missing");
  std::string_view text;
  if (!value.get_string().get(text)) {
    if (text.empty()) return schema_error(key, "empty");
    return std::string(text);
  }
  std::int64_t number = 0;
  if (!value.get_int64().get(number)) return std::to_string(number);
  return schema_error(key, "not a string or integer");
}

}  // namespace

Status read_signed(object payload, const NormalizeContext& context, std::vector<Message>& out) {
  element inner_value;
  if (payload["payload"].get(inner_value)) {
    if (payload["hmac"].error() == simdjson::SUCCESS) return schema_error("payload", "missing");
    return read_metric_payload(payload, context, false, out);  // a signed shape's payload, unsigned
  }
  object inner;
  if (inner_value.get_object().get(inner)) return schema_error("payload", "not an object");
  // A signed nested, flat or kpi payload reads as that shape (iot-pub --key-file signs any).
  Shape inner_shape = detect_shape(inner_value);
  if (inner_shape == Shape::nested && inner["d"].error()) inner_shape = Shape::signed_envelope;  // signed payload + device_id
  std::size_t first = out.size();
  Status status = ok_status();
  switch (inner_shape) {
    case Shape::nested: status = read_nested(inner, context, out); break;
    case Shape::flat: status = read_flat(inner, context, out); break;
    case Shape::kpi: status = read_kpi(inner, context, out); break;
    default: return read_metric_payload(inner, context, true, out);
  }
  if (!status) return status;
  for (std::size_t i = first; i < out.size(); ++i) out[i].is_signed = true;
  return ok_status();
}

Status read_kpi(object payload, const NormalizeContext& context, std::vector<Message>& out) {
  Message m;
  m.shape = Shape::kpi;
  auto sensor = id_text(payload, "sensor_id");
  if (!sensor) return sensor.error();
  auto site = id_text(payload, "site_code");
  if (!site) return site.error();
  element value;
  if (payload["timestamp"].get(value)) return schema_error("timestamp", "missing");
  auto time = parse_timestamp_ns(value);
  if (!time) return schema_error("timestamp", time.error().message);
  m.time_ns = *time;
  if (payload["value"].get(value)) return schema_error("value", "missing");
  auto number = number_or_null(value, "value");
  if (!number) return number.error();
  Naming naming{context, payload};
  auto device = naming.device(*sensor);
  if (!device) return device.error();
  if (device->empty()) return schema_error("sensor_id", "empty device id");
  m.device_id = std::move(*device);
  std::string_view own_metric = "value";
  if (context.fields) {
    auto it = context.fields->find("pi_tag");
    if (it != context.fields->end() && !it->second.empty()) own_metric = it->second;
  }
  auto metric = naming.metric(own_metric);
  if (!metric) return metric.error();
  Reading r;
  r.time_ns = *time;
  r.device_id = m.device_id;
  r.metric = std::move(*metric);
  r.value = *number;
  m.readings.push_back(std::move(r));
  m.tags.emplace("site", std::move(*site));
  out.push_back(std::move(m));
  return ok_status();
}

}  // namespace iot::telemetry::detail
