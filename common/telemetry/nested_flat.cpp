// The nested and flat shapes (iot-stream(5)): nested {..., d{metric:{v,q}}, meta{...}} and flat
// {"v", "id", "t", short keys...} expanded by a key map.
#include <string>

#include "telemetry/shape_readers.hpp"

namespace iot::telemetry::detail {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

Status read_meta(object meta, Message& m) {
  auto source = optional_integer(meta, "source_ts");
  if (!source) return schema_error("meta.source_ts", "not an integer (Unix ms)");
  if (*source) {
    auto ns = ms_to_ns(**source, "meta.source_ts");
    if (!ns) return ns.error();
    m.source_time_ns = *ns;
  }
  auto latency = optional_number(meta, "edge_latency_ms");
  if (!latency) return schema_error("meta.edge_latency_ms", "not a number");
  m.edge_latency_ms = *latency;
  return ok_status();
}

// Message time from a Unix-ms key (nested "ts", flat "t"); required.
Status read_ms_time(object payload, std::string_view key, Message& m) {
  auto ts = optional_integer(payload, key);
  if (!ts) return ts.error();
  if (!*ts) return schema_error(key, "missing");
  auto ns = ms_to_ns(**ts, key);
  if (!ns) return ns.error();
  m.time_ns = *ns;
  return ok_status();
}

std::string point_field(std::string_view metric, std::string_view sub) {
  std::string field = "d.";
  field.append(metric);
  if (!sub.empty()) field.append(".").append(sub);
  return field;
}

// One d entry: {"v": number|null, "q": code|word, "u": unit} or a bare
// number/null. One pass over the entry's keys; field names for messages are
// built on failure only. The reading is built in place in r (no moves).
Status read_point(std::string_view metric, element point, const Naming& naming, const Message& m, Reading& r) {
  auto name = naming.metric(metric);
  if (!name) return name.error();
  r.time_ns = *m.time_ns;
  r.device_id = m.device_id;
  r.metric = std::move(*name);
  object fields;
  if (point.get_object().get(fields)) {
    auto value = number_or_null(point, metric);
    if (!value) return schema_error(point_field(metric, ""), "not an object, number or null");
    r.value = *value;
    return ok_status();
  }
  bool has_v = false;
  for (auto [key, value] : fields) {
    if (key == "v") {
      auto number = number_or_null(value, metric);
      if (!number) return schema_error(point_field(metric, "v"), "not a number or null");
      r.value = *number;
      has_v = true;
    } else if (key == "q") {
      auto code = parse_quality(value);
      if (!code) return schema_error(point_field(metric, "q"), code.error().message);
      r.quality = *code;
    } else if (key == "u") {
      std::string_view unit;
      if (value.get_string().get(unit)) return schema_error(point_field(metric, "u"), "not a string");
      r.unit = unit;
    }
  }
  if (!has_v) return schema_error(point_field(metric, "v"), "missing");
  return ok_status();
}

Status set_device(std::string_view own, const Naming& naming, std::string_view field, Message& m) {
  auto device = naming.device(own);
  if (!device) return device.error();
  if (device->empty()) return schema_error(field, "empty");
  m.device_id = std::move(*device);
  return ok_status();
}


// The top-level members of a nested payload, found in one pass over its keys
// (a lookup per field would scan the object a dozen times).
struct NestedMembers {
  std::optional<element> device_id, d, ts, ts_ns, msg_id, seq, schema_version, device_type, meta;
};

NestedMembers find_members(object payload) {
  NestedMembers found;
  for (auto [key, value] : payload) {
    if (key == "device_id") found.device_id = value;
    else if (key == "d") found.d = value;
    else if (key == "ts") found.ts = value;
    else if (key == "ts_ns") found.ts_ns = value;
    else if (key == "msg_id") found.msg_id = value;
    else if (key == "seq") found.seq = value;
    else if (key == "schema_version") found.schema_version = value;
    else if (key == "device_type") found.device_type = value;
    else if (key == "meta") found.meta = value;
  }
  return found;
}

// A string member copied into target when present.
Status copy_string(const std::optional<element>& member, std::string_view key, std::string& target) {
  if (!member) return ok_status();
  std::string_view text;
  if (member->get_string().get(text)) return schema_error(key, "not a string");
  target = text;
  return ok_status();
}

Status read_nested_header(const NestedMembers& members, Message& m) {
  if (auto s = copy_string(members.msg_id, "msg_id", m.msg_id); !s) return s;
  if (auto s = copy_string(members.schema_version, "schema_version", m.schema_version); !s) return s;
  if (auto s = copy_string(members.device_type, "device_type", m.device_type); !s) return s;
  if (members.seq) {
    auto seq = integer_value(*members.seq, "seq");
    if (!seq) return seq.error();
    m.seq = *seq;
  }
  if (!members.ts) return schema_error("ts", "missing");
  auto ts = integer_value(*members.ts, "ts");
  if (!ts) return ts.error();
  // Unix ms (nested shape), unless the payload is in the signed shape:
  // "ts_ns" beside "ts" makes ts seconds (a signed nested payload has both).
  Result<std::int64_t> ns = ms_to_ns(*ts, "ts");
  if (members.ts_ns) {
    auto fraction = integer_value(*members.ts_ns, "ts_ns");
    if (!fraction) return fraction.error();
    ns = seconds_ns_to_ns(*ts, *fraction);
  }
  if (!ns) return ns.error();
  m.time_ns = *ns;
  if (!members.meta) return ok_status();
  object meta;
  if (members.meta->get_object().get(meta)) return schema_error("meta", "not an object");
  return read_meta(meta, m);
}

}  // namespace

Status read_nested(object payload, const NormalizeContext& context, std::vector<Message>& out) {
  NestedMembers members = find_members(payload);
  std::string_view device_id;
  if (members.device_id && members.device_id->get_string().get(device_id))
    return schema_error("device_id", "not a string");
  if (!members.device_id && context.device_template.empty()) return schema_error("device_id", "missing");
  if (!members.d) return schema_error("d", "missing");
  object d;
  if (members.d->get_object().get(d)) return schema_error("d", "not an object");
  Message& m = out.emplace_back();
  m.shape = Shape::nested;
  Naming naming{context, payload};
  if (auto s = set_device(device_id, naming, "device_id", m); !s) return s;
  if (auto s = read_nested_header(members, m); !s) return s;
  if (!context.keep_readings) {  // checked, then dropped: one scratch reading serves every point
    Reading scratch;
    for (auto [metric, point] : d)
      if (auto s = read_point(metric, point, naming, m, scratch); !s) return s;
    return ok_status();
  }
  m.readings.reserve(d.size());
  for (auto [metric, point] : d)
    if (auto s = read_point(metric, point, naming, m, m.readings.emplace_back()); !s) return s;
  return ok_status();
}

Status read_flat(object payload, const NormalizeContext& context, std::vector<Message>& out) {
  Message m;
  m.shape = Shape::flat;
  auto device = optional_string(payload, "id");
  if (!device) return device.error();
  if (!*device && context.device_template.empty()) return schema_error("id", "missing");
  Naming naming{context, payload};
  if (auto s = set_device(device->value_or(""), naming, "id", m); !s) return s;
  auto version = optional_string(payload, "v");
  if (!version) return version.error();
  if (*version) m.schema_version = **version;
  if (auto s = read_ms_time(payload, "t", m); !s) return s;
  auto msg_id = optional_string(payload, "msg_id");
  if (!msg_id) return msg_id.error();
  if (*msg_id) m.msg_id = **msg_id;
  auto seq = optional_integer(payload, "seq");
  if (!seq) return seq.error();
  m.seq = *seq;
  m.readings.reserve(payload.size());
  for (auto [key, value] : payload) {
    if (key == "v" || key == "id" || key == "t" || key == "msg_id" || key == "seq") continue;
    auto number = number_or_null(value, key);
    if (!number) return number.error();
    std::string_view metric = key;
    if (context.keymap) {
      auto it = context.keymap->find(std::string(key));
      if (it != context.keymap->end()) metric = it->second;
    }
    Reading r;
    r.time_ns = *m.time_ns;
    r.device_id = m.device_id;
    auto name = naming.metric(metric);
    if (!name) return name.error();
    r.metric = std::move(*name);
    r.value = *number;
    m.readings.push_back(std::move(r));
  }
  out.push_back(std::move(m));
  return ok_status();
}

}  // namespace iot::telemetry::detail
