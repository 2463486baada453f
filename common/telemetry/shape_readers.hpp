// Internal to the normalizer: one reader per payload shape, and the small
// field accessors they share. Every failure is reason "schema" and names the
// field ("d.temp_inlet_c.v: not a number").
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "telemetry/normalize.hpp"

namespace iot::telemetry::detail {

Error schema_error(std::string_view field, std::string_view what);

// Optional fields: nothing when absent; an error when present with the wrong type.
Result<std::optional<std::string_view>> optional_string(simdjson::dom::object object, std::string_view key);
Result<std::optional<std::int64_t>> optional_integer(simdjson::dom::object object, std::string_view key);
Result<std::optional<double>> optional_number(simdjson::dom::object object, std::string_view key);
// An integer (or an integral float in int64 range).
Result<std::int64_t> integer_value(simdjson::dom::element value, std::string_view field);
// A value that must be a JSON number or null (a reading's value).
Result<std::optional<double>> number_or_null(simdjson::dom::element value, std::string_view field);
// Unix milliseconds -> ns, range checked.
Result<std::int64_t> ms_to_ns(std::int64_t ms, std::string_view field);
// The signed shape's time: "ts" in seconds plus "ts_ns" (0..999999999) -> ns, range checked.
// Wherever a payload carries "ts_ns", its "ts" is seconds, whatever its shape.
Result<std::int64_t> seconds_ns_to_ns(std::int64_t seconds, std::int64_t fraction);

// The device and metric names a message ends up with, templates applied.
struct Naming {
  const NormalizeContext& context;
  simdjson::dom::object payload;  // the object the templates read fields from
  Result<std::string> device(std::string_view own) const;
  Result<std::string> metric(std::string_view own) const;
};

// Each appends one message (kpi, nested, flat, signed) to out.
Status read_nested(simdjson::dom::object payload, const NormalizeContext& context, std::vector<Message>& out);
Status read_flat(simdjson::dom::object payload, const NormalizeContext& context, std::vector<Message>& out);
Status read_signed(simdjson::dom::object payload, const NormalizeContext& context, std::vector<Message>& out);
Status read_kpi(simdjson::dom::object payload, const NormalizeContext& context, std::vector<Message>& out);

}  // namespace iot::telemetry::detail
