// The deadband filter (iot-pub(1), DEADBAND): a reading goes on only when its
// value moved past the band around the last value sent for the same (device,
// metric), when its quality changed, or when the heartbeat is due. Rules are
// per metric glob, the first matching rule wins; a metric no rule matches
// always goes on. Pure: the caller gives each reading's time, so the same
// input always gives the same output.
//
// The state is bounded by configuration, not by what arrives (iot-pub(1),
// Resource use): at most max_devices devices (past it the least recently
// seen one is forgotten and counted in evicted()), at most
// kMaxMetricsPerDevice metrics each and kMaxMetricNames distinct metric
// names (a metric past either is not remembered, so it always goes on). Forgetting only ever sends more: a forgotten
// device's next reading is its first again.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "checks/device_table.hpp"
#include "core/relaxed.hpp"
#include "core/result.hpp"

namespace iot::telemetry {

struct DeadbandRule {
  enum class Kind { absolute, percent };
  std::string metric_glob;  // '*' any run of characters, '?' one character
  Kind kind = Kind::absolute;
  double threshold = 0;     // abs: in the metric's unit; pct: percent of the last value sent
};

// "GLOB=abs:X" or "GLOB=pct:P" (X, P finite and >= 0); a spec without
// "GLOB=" applies to every metric. Errors have kind usage, reason "usage".
Result<DeadbandRule> parse_deadband_rule(std::string_view spec);

class DeadbandFilter {
 public:
  static constexpr std::size_t kMaxMetricsPerDevice = 256;
  static constexpr std::size_t kMaxMetricNames = 65536;  // distinct names over the fleet

  // heartbeat_ns 0: no heartbeat.
  DeadbandFilter(std::vector<DeadbandRule> rules, std::int64_t heartbeat_ns, std::size_t max_devices = 1'000'000);
  // True when the reading is to be sent (and it is remembered as the last
  // one sent); false when it falls inside the band. value nullopt is a JSON
  // null: it goes on when the last one sent was a number, and the other way.
  bool admit(std::string_view device, std::string_view metric, std::optional<double> value, int quality,
             std::int64_t time_ns);
  std::uint64_t admitted() const { return admitted_; }
  std::uint64_t suppressed() const { return suppressed_; }
  bool empty() const { return rules_.empty(); }
  std::size_t devices() const { return devices_.size(); }
  std::uint64_t evicted() const { return evicted_; }  // devices forgotten to stay under max_devices

 private:
  // A metric name is kept once for the whole fleet (devices share their
  // metric names): its number, and the rule it matched, looked up once.
  struct MetricName {
    std::uint32_t index = 0;
    int rule = -1;  // -1: no rule matches, every reading goes on
  };
  // The last reading sent of one (device, metric): 24 bytes. A JSON null
  // is a NaN, which no JSON number can be.
  struct LastSent {
    std::uint32_t metric = 0;  // MetricName::index
    std::int32_t quality = 0;
    double value = 0;
    std::int64_t time_ns = 0;
  };
  // A device has a handful of metrics: a short vector searched in order is
  // smaller and faster than a hash map per device.
  using Metrics = std::vector<LastSent>;
  // Heterogeneous lookup: a string_view finds a std::string key without a copy.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // The metric's number and rule, added when new; nullopt past kMaxMetricNames.
  std::optional<MetricName> metric_name(std::string_view metric);
  int rule_for(std::string_view metric) const;
  bool outside_band(const DeadbandRule& rule, double last, double value) const;

  std::vector<DeadbandRule> rules_;
  std::int64_t heartbeat_ns_;
  checks::DeviceTable<Metrics> devices_;
  std::unordered_map<std::string, MetricName, Hash, std::equal_to<>> metric_names_;
  // Read by --metrics-listen while the filter runs (core/relaxed.hpp).
  Count admitted_ = 0, suppressed_ = 0, evicted_ = 0;
};

}  // namespace iot::telemetry
