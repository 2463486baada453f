// kpi timestamps (iot-stream(5), PAYLOAD SHAPES: kpi): ISO 8601 text or a Unix
// number whose unit is told apart by magnitude, read by core/time_text.
#include "core/time_text.hpp"
#include "telemetry/normalize.hpp"

namespace iot::telemetry {

Result<std::int64_t> parse_timestamp_ns(simdjson::dom::element value) {
  using simdjson::dom::element_type;
  switch (value.type()) {
    case element_type::INT64: return time_text::unix_integer_to_ns(value.get_int64().value());
    case element_type::UINT64: return make_error(ErrorKind::bad_input, "schema", "out of range");
    case element_type::DOUBLE: return time_text::unix_double_to_ns(value.get_double().value());
    case element_type::STRING: {
      std::string_view text = value.get_string().value();
      if (text.empty()) return make_error(ErrorKind::bad_input, "schema", "empty");
      return time_text::parse_time_ns(text);
    }
    default: return make_error(ErrorKind::bad_input, "schema", "not ISO 8601 text or a Unix number");
  }
}

}  // namespace iot::telemetry
