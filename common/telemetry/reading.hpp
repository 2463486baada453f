// The normalizer's output (iot-stream(5), PAYLOAD SHAPES): every payload shape
// becomes messages, each with its readings (time, device, metric, value, quality).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace iot::telemetry {

// OPC-UA quality codes (iot-stream(5), PAYLOAD SHAPES: nested).
namespace quality {
inline constexpr int good = 192;
inline constexpr int uncertain = 68;
inline constexpr int bad = 0;
}  // namespace quality

enum class Shape { automatic, nested, flat, signed_envelope, kpi, batch };

struct Reading {
  std::int64_t time_ns = 0;
  std::string device_id;
  std::string metric;
  std::optional<double> value;  // null when the payload says null
  int quality = quality::good;
  std::string unit;
};

struct Message {
  Shape shape = Shape::nested;
  std::string device_id;
  std::string device_type;
  std::string msg_id;                        // empty when the payload has none
  std::optional<std::int64_t> seq;
  std::optional<std::int64_t> time_ns;       // the message time (ts, ts+ts_ns, timestamp)
  std::optional<std::int64_t> source_time_ns;
  std::optional<double> edge_latency_ms;
  std::string schema_version;
  bool is_signed = false;                    // came in the signed shape
  // Tags the shape itself carries (kpi: {"site": site_code}); route tags come on top.
  std::map<std::string, std::string> tags;
  std::vector<Reading> readings;
};

}  // namespace iot::telemetry
