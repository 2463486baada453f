// What pacing and filtering need from one recorded line: its time (rx_ts,
// else the payload's own: nested ts in ms, signed ts + ts_ns, flat t, kpi
// timestamp), its topic and its device id.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace iot::replay {

struct RecordInfo {
  bool parsed = false;                     // false: not a JSON object (passed on as is)
  std::optional<std::int64_t> time_ns;     // rx_ts, else the payload's time
  std::optional<std::int64_t> rx_ts;       // the envelope's receive time alone
  std::optional<std::string_view> topic;   // valid until the parser is reused
  std::optional<std::string_view> device;  // device_id, id, sensor_id
};

class RecordInspector {
 public:
  RecordInfo inspect(std::string_view line);

 private:
  simdjson::dom::parser parser_;
  std::string wide_text_;  // the last line with integers beyond 64 bits, rewritten for simdjson
};

// The payload's own time in ns (see above), if it has one.
std::optional<std::int64_t> payload_time_ns(simdjson::dom::element payload);
std::optional<std::string_view> payload_device(simdjson::dom::element payload);

}  // namespace iot::replay
