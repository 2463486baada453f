// What pacing and filtering read from a recorded line
// (common/replay/record_info.cpp), one row per line shape.
#include "replay/record_info.hpp"

#include <gtest/gtest.h>

namespace iot::replay {
namespace {

constexpr std::int64_t kMs = 1000000;
constexpr std::int64_t kS = 1000000000;

TEST(RecordInspector, TimeTopicAndDeviceOfEveryShape) {
  struct Row {
    const char* what;
    std::string line;
    bool parsed;
    std::optional<std::int64_t> time_ns, rx_ts;
    std::optional<std::string> topic, device;
  } rows[] = {
      {"envelope: rx_ts wins over the payload's time",
       R"({"topic":"plant/P-7/telemetry","payload":{"device_id":"P-7","ts":1710844800123},"rx_ts":1710844800125000000})",
       true, 1710844800125000000, 1710844800125000000, "plant/P-7/telemetry", "P-7"},
      {"envelope without rx_ts: the nested ts in ms",
       R"({"topic":"t","payload":{"device_id":"P-7","ts":1710844800123}})", true, 1710844800123 * kMs, std::nullopt,
       "t", "P-7"},
      {"bare nested payload", R"({"device_id":"P-7","ts":1710844800123,"seq":1})", true, 1710844800123 * kMs,
       std::nullopt, std::nullopt, "P-7"},
      {"integers beyond 64 bits (Python's json writes them): read through the fallback",
       R"({"topic":"w/1","payload":{"device_id":"W-1","ts":1710844800123,"n":18446744073709551616,"m":-100000000000000000000000}})",
       true, 1710844800123 * kMs, std::nullopt, "w/1", "W-1"},
      {"signed: ts seconds + ts_ns, device inside",
       R"({"hmac":"x","payload":{"device_id":"th-1","ts":1759384453,"ts_ns":920529791}})", true,
       1759384453 * kS + 920529791, std::nullopt, std::nullopt, "th-1"},
      {"signed without ts_ns: ts by magnitude", R"({"hmac":"x","payload":{"ts":1759384453}})", true, 1759384453 * kS,
       std::nullopt, std::nullopt, std::nullopt},
      {"flat: t and id", R"({"v":"2.1","id":"F-1","t":1710844800000,"ti":3})", true, 1710844800000 * kMs,
       std::nullopt, std::nullopt, "F-1"},
      {"kpi: ISO 8601 timestamp and sensor_id",
       R"({"site_code":"FAE","sensor_id":"TI-4711","timestamp":"2026-03-19T10:40:00Z","value":72.4})", true,
       1773916800 * kS, std::nullopt, std::nullopt, "TI-4711"},
      {"kpi: a Unix timestamp in microseconds", R"({"sensor_id":"S","timestamp":1773916800000000})", true,
       1773916800 * kS, std::nullopt, std::nullopt, "S"},
      {"fractional seconds", R"({"ts":1710844800.25})", true, 1710844800 * kS + 250 * kMs, std::nullopt, std::nullopt,
       std::nullopt},
      {"a ts that is not a number: no time", R"({"device_id":"d","ts":"soon"})", true, std::nullopt, std::nullopt,
       std::nullopt, "d"},
      {"a timestamp that is not a time", R"({"timestamp":"yesterday"})", true, std::nullopt, std::nullopt,
       std::nullopt, std::nullopt},
      {"payload_b64: topic and rx_ts only", R"({"topic":"w/1/chunk/0","payload_b64":"AAE=","rx_ts":5})", true, 5, 5,
       "w/1/chunk/0", std::nullopt},
      {"a device_id that is not a string gives way to id", R"({"device_id":7,"id":"F-2"})", true, std::nullopt, std::nullopt,
       std::nullopt, "F-2"},
      {"not JSON", "{not json", false, std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      {"JSON but not an object", "[1,2]", false, std::nullopt, std::nullopt, std::nullopt, std::nullopt},
  };
  RecordInspector inspector;
  for (const auto& row : rows) {
    SCOPED_TRACE(row.what);
    RecordInfo info = inspector.inspect(row.line);
    EXPECT_EQ(info.parsed, row.parsed);
    EXPECT_EQ(info.time_ns, row.time_ns);
    EXPECT_EQ(info.rx_ts, row.rx_ts);
    EXPECT_EQ(info.topic.has_value(), row.topic.has_value());
    if (info.topic && row.topic) {
      EXPECT_EQ(*info.topic, *row.topic);
    }
    EXPECT_EQ(info.device.has_value(), row.device.has_value());
    if (info.device && row.device) {
      EXPECT_EQ(*info.device, *row.device);
    }
  }
}

TEST(PayloadTime, NonObjectsHaveNoTimeOrDevice) {
  simdjson::dom::parser parser;
  for (const char* json : {"1710844800", "\"2026-03-19T10:40:00Z\"", "null", "[{\"ts\":1}]"}) {
    auto e = parser.parse(std::string(json)).value();
    EXPECT_FALSE(payload_time_ns(e)) << json;
    EXPECT_FALSE(payload_device(e)) << json;
  }
}

}  // namespace
}  // namespace iot::replay
