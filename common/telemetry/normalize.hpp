// One normalizer for every payload shape (iot-stream(5), PAYLOAD
// SHAPES): nested, flat + key map, signed, kpi, batch (array or
// {"readings": [...]}). iot-verify and iot-ingest both use it.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <optional>
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
  // The metric template may also name {metric}: the shape's own metric name.
  std::string device_template;
  std::string metric_template;
  // False: nested points are checked but not kept (Message::readings stays
  // empty), for callers that only need the headers (iot-verify). Other
  // shapes keep their readings either way.
  bool keep_readings = true;
};

// Fails with reason "schema" and a message naming the field at fault. A forced
// shape (context.shape) still accepts a batch (array or {"readings": [...]})
// of that shape. Allocates only the output (strings and vectors).
Result<std::vector<Message>> normalize(simdjson::dom::element payload, const NormalizeContext& context);

// Which shape a payload is, by its keys (automatic detection); automatic when
// none fits (normalize then fails with "schema").
Shape detect_shape(simdjson::dom::element payload);
std::string_view shape_name(Shape shape);
std::optional<Shape> parse_shape(std::string_view name);  // "auto", "nested", "flat", "signed", "kpi", "batch"

// 192/0/68 and the words good/bad/uncertain; anything else is a schema error.
Result<int> parse_quality(simdjson::dom::element q);
// The same rules for a quality already read: a word (any case), or a number.
std::optional<int> quality_of_word(std::string_view word);
std::optional<int> quality_of_code(double code);

// kpi timestamps: ISO 8601 (with Z or an offset; fractions to ns), a Unix
// number in s, ms, us or ns told apart by magnitude (|x| < 1e11 s, < 1e14 ms,
// < 1e17 us, else ns), or such a number as a string. Reason "schema".
Result<std::int64_t> parse_timestamp_ns(simdjson::dom::element value);

}  // namespace iot::telemetry
