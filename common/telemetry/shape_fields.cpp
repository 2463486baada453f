// The field accessors the shape readers share.
#include <cmath>
#include <limits>

#include "telemetry/field_template.hpp"
#include "telemetry/shape_readers.hpp"

namespace iot::telemetry::detail {

using simdjson::dom::element_type;

Error schema_error(std::string_view field, std::string_view what) {
  std::string message;
  message.reserve(field.size() + what.size() + 2);
  message.append(field).append(": ").append(what);
  return make_error(ErrorKind::bad_input, "schema", std::move(message));
}

Result<std::optional<std::string_view>> optional_string(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element value;
  if (object[key].get(value)) return std::optional<std::string_view>{};
  std::string_view text;
  if (value.get_string().get(text)) return schema_error(key, "not a string");
  return std::optional<std::string_view>{text};
}

Result<std::int64_t> integer_value(simdjson::dom::element value, std::string_view field) {
  switch (value.type()) {
    case element_type::INT64: return value.get_int64().value();
    case element_type::UINT64: return schema_error(field, "out of range");
    case element_type::DOUBLE: {
      double d = value.get_double().value();
      // 1.7e12 is an integer written as a float: accept it when exact and in range.
      if (d != std::floor(d)) return schema_error(field, "not an integer");
      if (std::fabs(d) >= 9.2e18) return schema_error(field, "out of range");
      return static_cast<std::int64_t>(d);
    }
    default: return schema_error(field, "not an integer");
  }
}

Result<std::optional<std::int64_t>> optional_integer(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element value;
  if (object[key].get(value)) return std::optional<std::int64_t>{};
  auto number = integer_value(value, key);
  if (!number) return number.error();
  return std::optional<std::int64_t>{*number};
}

Result<std::optional<double>> optional_number(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element value;
  if (object[key].get(value)) return std::optional<double>{};
  double d = 0;
  if (value.get_double().get(d)) return schema_error(key, "not a number");  // get_double converts integers
  return std::optional<double>{d};
}

Result<std::optional<double>> number_or_null(simdjson::dom::element value, std::string_view field) {
  if (value.is_null()) return std::optional<double>{};
  double d = 0;
  if (value.get_double().get(d)) return schema_error(field, "not a number or null");
  if (!std::isfinite(d)) return schema_error(field, "out of range");
  return std::optional<double>{d};
}

Result<std::int64_t> ms_to_ns(std::int64_t ms, std::string_view field) {
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / 1'000'000;
  if (ms > limit || ms < -limit) return schema_error(field, "out of range");
  return ms * 1'000'000;
}

Result<std::string> Naming::device(std::string_view own) const {
  if (context.device_template.empty()) return std::string(own);
  return expand_template(context.device_template, TemplateValues{context.fields, &payload, {}, {}});
}

Result<std::string> Naming::metric(std::string_view own) const {
  if (context.metric_template.empty()) {
    if (own.empty()) return schema_error("\"\"", "an empty metric name");
    return std::string(own);
  }
  auto name = expand_template(context.metric_template, TemplateValues{context.fields, &payload, "metric", own});
  if (name && name->empty()) return schema_error(context.metric_template, "expands to an empty metric name");
  return name;
}

}  // namespace iot::telemetry::detail
