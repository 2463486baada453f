// Reading an alarm envelope's payload back (iot-stream(5), ALARMS): what a
// program downstream of iot-verify --rules needs to tell an alarm from a
// reading and to check it has every field. The views point into the
// parsed document.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/result.hpp"

namespace iot::rules {

struct AlarmPayload {
  std::string_view msg_id, state, rule, check, device_id, metric, detail;
  std::optional<double> value;  // null: none
  std::int64_t since_ms = 0, ts_ms = 0;
  bool raise() const { return state == "raise"; }
};

// An object whose "kind" is "alarm".
bool is_alarm_payload(simdjson::dom::element payload);

// The fields of an alarm payload. A field missing or of the wrong type, a
// state other than raise/clear, a check iot-rules(5) does not know, is a
// bad_input error with reason "schema" naming the field.
Result<AlarmPayload> read_alarm_payload(simdjson::dom::element payload);

}  // namespace iot::rules
