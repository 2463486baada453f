// One raise or clear of an alarm as the sinks store it (iot-ingest(1),
// Tables: alarms, alarm_state), built by iot-ingest from an alarm envelope
// (iot-stream(5), ALARMS).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace iot::store {

struct AlarmRow {
  std::string msg_id;  // unique: a copy delivered twice is stored once
  std::string device_id, rule, check, metric;
  bool raise = true;   // false: clear
  std::optional<double> value;
  std::int64_t since_ms = 0, ts_ms = 0;  // Unix milliseconds, as in the envelope
  std::string detail, topic;             // empty: NULL
};

}  // namespace iot::store
