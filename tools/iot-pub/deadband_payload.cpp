#include "iot-pub/deadband_payload.hpp"

#include <optional>
#include <string_view>

#include "codec/json_text.hpp"
#include "telemetry/normalize.hpp"

namespace iot::pub {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::int64_t ns_per_ms = 1'000'000;
constexpr std::int64_t ns_per_s = 1'000'000'000;

struct Point {
  bool known = false;  // a number or null, with a quality we can read: filtered; else sent as it is
  std::optional<double> value;
  int quality = telemetry::quality::good;
};

std::optional<std::optional<double>> number_or_null(element e) {
  if (e.is_null()) return std::optional<double>{};
  double d;
  if (e.is_number() && !e.get_double().get(d)) return std::optional<double>{d};
  return std::nullopt;
}

// A nested "d" entry: {"v", "q", ...} or a bare number/null.
Point nested_point(element e) {
  Point p;
  object fields;
  if (e.get_object().get(fields)) {
    auto v = number_or_null(e);
    if (v) p = {true, *v, telemetry::quality::good};
    return p;
  }
  bool has_v = false;
  for (auto [key, value] : fields) {
    if (key == "v") {
      auto v = number_or_null(value);
      if (!v) return p;
      p.value = *v;
      has_v = true;
    } else if (key == "q") {
      auto q = telemetry::parse_quality(value);
      if (!q) return p;
      p.quality = *q;
    }
  }
  p.known = has_v;
  return p;
}

std::optional<std::int64_t> integer(object o, std::string_view key) {
  std::int64_t v;
  if (o[key].get_int64().get(v)) return std::nullopt;
  return v;
}

std::string_view string_member(object o, std::string_view key) {
  std::string_view s;
  if (o[key].get_string().get(s)) return {};
  return s;
}

// The time the nested shape gives (ts in ms, or seconds with ts_ns beside it),
// or the flat shape's t (ms); now when missing or out of range.
std::int64_t reading_time(object o, telemetry::Shape shape, std::int64_t now_ns) {
  auto ts = integer(o, shape == telemetry::Shape::flat ? "t" : "ts");
  if (!ts) return now_ns;
  auto ts_ns = shape == telemetry::Shape::nested ? integer(o, "ts_ns") : std::nullopt;
  std::int64_t unit = ts_ns ? ns_per_s : ns_per_ms;
  if (*ts > INT64_MAX / unit || *ts < INT64_MIN / unit) return now_ns;
  return *ts * unit + ts_ns.value_or(0);
}

void append_key(std::string& out, std::string_view key) {
  (void)codec::append_json_string(out, key);  // keys came from valid JSON: valid UTF-8
  out += ':';
}

bool is_id(std::string_view key) { return key == "msg_id" || key == "seq"; }

bool is_flat_header(std::string_view key) { return key == "v" || key == "id" || key == "t" || is_id(key); }

}  // namespace

DeadbandOutcome apply_deadband(element payload, telemetry::DeadbandFilter& filter, bool drop_ids,
                               std::int64_t now_ns) {
  DeadbandOutcome out;
  telemetry::Shape shape = telemetry::detect_shape(payload);
  object o;
  if ((shape != telemetry::Shape::nested && shape != telemetry::Shape::flat) || payload.get_object().get(o)) {
    out.json = simdjson::minify(payload);
    return out;
  }
  out.filtered = true;
  std::string_view device = string_member(o, shape == telemetry::Shape::nested ? "device_id" : "id");
  std::int64_t time_ns = reading_time(o, shape, now_ns);
  auto admit = [&](std::string_view metric, const Point& p) {
    if (!p.known) return true;  // not a reading we understand: downstream judges it
    ++out.readings;
    bool sent = filter.admit(device, metric, p.value, p.quality, time_ns);
    out.kept += sent;
    return sent;
  };
  std::string& json = out.json;
  json.reserve(256);
  json += '{';
  bool first = true;
  auto comma = [&] {
    if (!first) json += ',';
    first = false;
  };
  for (auto [key, value] : o) {
    if (drop_ids && is_id(key)) continue;
    object d;
    if (shape == telemetry::Shape::nested && key == "d" && !value.get_object().get(d)) {
      comma();
      append_key(json, key);
      json += '{';
      bool first_point = true;
      for (auto [metric, point] : d) {
        if (!admit(metric, nested_point(point))) continue;
        if (!first_point) json += ',';
        first_point = false;
        append_key(json, metric);
        json += simdjson::minify(point);
      }
      json += '}';
      continue;
    }
    if (shape == telemetry::Shape::flat && !is_flat_header(key)) {
      auto v = number_or_null(value);
      Point p;
      if (v) p = {true, *v, telemetry::quality::good};
      if (!admit(key, p)) continue;
    }
    comma();
    append_key(json, key);
    json += simdjson::minify(value);
  }
  json += '}';
  return out;
}

}  // namespace iot::pub
