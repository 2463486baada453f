// The normalizer's entry: shape detection, dispatch to the shape readers,
// batches, quality codes.
#include "telemetry/normalize.hpp"

#include <cctype>

#include "telemetry/shape_readers.hpp"

namespace iot::telemetry {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  return true;
}

// One payload object; `detected` is its detect_shape() when already known.
Status read_one(element payload, Shape shape, Shape detected, const NormalizeContext& context,
                std::vector<Message>& out) {
  object o;
  if (payload.get_object().get(o)) return detail::schema_error("payload", "not a JSON object");
  if (shape == Shape::automatic || shape == Shape::batch) shape = detected;
  switch (shape) {
    case Shape::nested: return detail::read_nested(o, context, out);
    case Shape::flat: return detail::read_flat(o, context, out);
    case Shape::signed_envelope: return detail::read_signed(o, context, out);
    case Shape::kpi: return detail::read_kpi(o, context, out);
    default:
      return detail::schema_error("payload", "unknown shape (no d/device_id, id+t, hmac+payload, sensor_id or ts_ns)");
  }
}

// The items of a batch whose detected shape is batch: the array itself or its "readings".
simdjson::dom::array batch_items(element payload) {
  simdjson::dom::array items;
  if (!payload.get_array().get(items)) return items;
  return payload["readings"].get_array().value_unsafe();  // detect_shape saw an array there
}

}  // namespace

// One pass over the keys (the hot path: every payload goes through here).
Shape detect_shape(element payload) {
  if (payload.type() == element_type::ARRAY) return Shape::batch;
  object o;
  if (payload.get_object().get(o)) return Shape::automatic;
  bool hmac = false, readings = false, d = false, device_id = false, sensor_id = false, id = false, t = false,
       ts_ns = false, inner_payload = false;
  for (auto [key, value] : o) {
    if (key == "d") d = true;
    else if (key == "device_id") device_id = true;
    else if (key == "hmac") hmac = true;
    else if (key == "readings") readings = value.is_array();
    else if (key == "sensor_id") sensor_id = true;
    else if (key == "id") id = true;
    else if (key == "t") t = true;
    else if (key == "ts_ns") ts_ns = true;
    else if (key == "payload") inner_payload = value.is_object();
  }
  if (hmac) return Shape::signed_envelope;
  if (readings) return Shape::batch;
  if (d) return Shape::nested;
  if (device_id) return ts_ns ? Shape::signed_envelope : Shape::nested;
  if (sensor_id) return Shape::kpi;
  if (id && t) return Shape::flat;
  if (ts_ns || inner_payload) return Shape::signed_envelope;
  return Shape::automatic;
}

std::string_view shape_name(Shape shape) {
  switch (shape) {
    case Shape::automatic: return "auto";
    case Shape::nested: return "nested";
    case Shape::flat: return "flat";
    case Shape::signed_envelope: return "signed";
    case Shape::kpi: return "kpi";
    case Shape::batch: return "batch";
  }
  return "auto";
}

std::optional<Shape> parse_shape(std::string_view name) {
  for (Shape s : {Shape::automatic, Shape::nested, Shape::flat, Shape::signed_envelope, Shape::kpi, Shape::batch})
    if (name == shape_name(s)) return s;
  if (name == "automatic") return Shape::automatic;
  return std::nullopt;
}

std::optional<int> quality_of_word(std::string_view word) {
  if (iequals(word, "good")) return quality::good;
  if (iequals(word, "bad")) return quality::bad;
  if (iequals(word, "uncertain")) return quality::uncertain;
  return std::nullopt;
}

std::optional<int> quality_of_code(double code) {
  if (code == quality::good || code == quality::bad || code == quality::uncertain) return static_cast<int>(code);
  return std::nullopt;
}

Result<int> parse_quality(element q) {
  std::string_view word;
  if (!q.get_string().get(word)) {
    if (auto known = quality_of_word(word)) return *known;
    return make_error(ErrorKind::bad_input, "schema", "quality \"" + std::string(word.substr(0, 40)) +
                                                          "\" is not good, bad or uncertain");
  }
  double code = -1;
  if (!q.get_double().get(code))
    if (auto known = quality_of_code(code)) return *known;
  return make_error(ErrorKind::bad_input, "schema", "quality is not 192, 0, 68, good, bad or uncertain");
}

Result<std::vector<Message>> normalize(element payload, const NormalizeContext& context) {
  std::vector<Message> out;
  Shape detected = detect_shape(payload);
  if (detected != Shape::batch) {
    if (context.shape == Shape::batch)
      return detail::schema_error("payload", "not a batch (a JSON array or {\"readings\": [...]})");
    if (auto s = read_one(payload, context.shape, detected, context, out); !s) return s.error();
    return out;
  }
  simdjson::dom::array items = batch_items(payload);
  out.reserve(items.size());
  std::size_t index = 0;
  for (element item : items) {
    Shape item_shape = detect_shape(item);
    if (item_shape == Shape::batch)
      return detail::schema_error("readings[" + std::to_string(index) + "]", "a batch inside a batch");
    if (auto s = read_one(item, context.shape, item_shape, context, out); !s) {
      Error e = s.error();
      e.message = "readings[" + std::to_string(index) + "]." + e.message;
      return e;
    }
    ++index;
  }
  return out;
}

}  // namespace iot::telemetry
