#include "replay/record_info.hpp"

#include "codec/wide_integers.hpp"
#include "core/time_text.hpp"

namespace iot::replay {
namespace {

using simdjson::dom::element;

// Integers exactly (ns timestamps do not fit a double), else a double.
std::optional<std::int64_t> time_number_ns(element e) {
  int64_t i;
  if (e.get(i) == simdjson::SUCCESS) {
    auto ns = time_text::unix_integer_to_ns(i);
    return ns ? std::optional<std::int64_t>(*ns) : std::nullopt;
  }
  double d;
  if (e.get_double().get(d) == simdjson::SUCCESS) {
    auto ns = time_text::unix_double_to_ns(d);
    return ns ? std::optional<std::int64_t>(*ns) : std::nullopt;
  }
  return std::nullopt;
}

std::optional<double> number(element e) {
  double d;
  if (e.is_int64()) return double(int64_t(e));
  if (e.is_uint64()) return double(uint64_t(e));
  if (e.get_double().get(d) == simdjson::SUCCESS) return d;
  return std::nullopt;
}

// The inner payload of the signed shape, else the payload itself.
element unwrap_signed(element payload) {
  element inner;
  if (payload.is_object() && payload["hmac"].error() == simdjson::SUCCESS &&
      payload["payload"].get(inner) == simdjson::SUCCESS && inner.is_object())
    return inner;
  return payload;
}

}  // namespace

std::optional<std::int64_t> payload_time_ns(element payload) {
  if (payload.type() != simdjson::dom::element_type::OBJECT) return std::nullopt;
  element p = unwrap_signed(payload), v;
  if (p["ts"].get(v) == simdjson::SUCCESS) {
    auto ts = number(v);
    if (!ts) return std::nullopt;
    element ns;
    if (p["ts_ns"].get(ns) == simdjson::SUCCESS && ns.is_int64())  // signed shape: seconds + ns
      return std::int64_t(*ts) * 1000000000 + int64_t(ns);
    return time_number_ns(v);
  }
  if (p["t"].get(v) == simdjson::SUCCESS) {
    if (auto t = time_number_ns(v)) return t;
  }
  if (p["timestamp"].get(v) == simdjson::SUCCESS) {
    if (auto t = time_number_ns(v)) return t;
    std::string_view text;
    if (v.get(text) == simdjson::SUCCESS) {
      auto t = time_text::parse_time_ns(text, time_text::command_line_rules);
      if (t) return *t;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> payload_device(element payload) {
  if (payload.type() != simdjson::dom::element_type::OBJECT) return std::nullopt;
  element p = unwrap_signed(payload);
  std::string_view id;
  for (const char* key : {"device_id", "id", "sensor_id"})
    if (p[key].get(id) == simdjson::SUCCESS) return id;
  return std::nullopt;
}

RecordInfo RecordInspector::inspect(std::string_view line) {
  RecordInfo info;
  element doc;
  simdjson::dom::object root;
  auto err = parser_.parse(line).get(doc);
  if (err == simdjson::NUMBER_ERROR) {
    // Integers beyond 64 bits (iot-stream(5), NUMBERS): read through the
    // fallback; the line itself is still played byte for byte.
    auto wide = codec::rewrite_wide_integers(line);
    if (!wide) return info;
    wide_text_ = std::move(wide->for_simdjson);
    err = parser_.parse(wide_text_).get(doc);
  }
  if (err != simdjson::SUCCESS || doc.get(root) != simdjson::SUCCESS) return info;
  info.parsed = true;
  std::string_view topic;
  std::optional<element> payload = doc;
  element v;
  if (root["topic"].get(topic) == simdjson::SUCCESS) {
    info.topic = topic;
    // payload_b64 (raw bytes) has no time or device of its own.
    payload = root["payload"].get(v) == simdjson::SUCCESS ? std::optional<element>(v) : std::nullopt;
    int64_t rx;
    if (root["rx_ts"].get(rx) == simdjson::SUCCESS) info.rx_ts = rx;
  }
  info.time_ns = info.rx_ts;
  if (payload) {
    if (!info.time_ns) info.time_ns = payload_time_ns(*payload);
    info.device = payload_device(*payload);
  }
  return info;
}

}  // namespace iot::replay
