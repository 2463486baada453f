// One normalizer for every payload shape (design §1): nested (seed 000),
// flat + key map, signed (seed 003), kpi (seed 002), batch (array or
// {"readings": [...]}). iot-verify and iot-ingest both use it.
#pragma once

#include <simdjson.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "telemetry/reading.hpp"

namespace iot::telemetry {

struct NormalizeContext {
  Shape shape = Shape::automatic;
  std::string_view topic;
  // Captures from the topic pattern ("site", "pi_tag", "tenant", ...).
  const std::map<std::string, std::string>* fields = nullptr;
  // Flat-format key map: short key -> metric name ("ti" -> "temp_inlet_c").
  const std::map<std::string, std::string>* keymap = nullptr;
  // Templates over captures and payload fields ("{sensor_id}"); empty: the shape's own.
  std::string device_template;
  std::string metric_template;
};

// Fails with reason "schema" and a message naming the field at fault.
Result<std::vector<Message>> normalize(simdjson::dom::element payload, const NormalizeContext& context);

// Which shape a payload is, by its keys (automatic detection).
Shape detect_shape(simdjson::dom::element payload);
std::string_view shape_name(Shape shape);
std::optional<Shape> parse_shape(std::string_view name);

// 192/0/68 and the words good/bad/uncertain; anything else is a schema error.
Result<int> parse_quality(simdjson::dom::element q);

// kpi timestamps: ISO 8601, or a Unix number in s, ms, us or ns told apart by magnitude.
Result<std::int64_t> parse_timestamp_ns(simdjson::dom::element value);

}  // namespace iot::telemetry
