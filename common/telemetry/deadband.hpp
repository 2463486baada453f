// The deadband filter (iot-pub(1), DEADBAND): a reading goes on only when its
// value moved past the band around the last value sent for the same (device,
// metric), when its quality changed, or when the heartbeat is due. Rules are
// per metric glob, the first matching rule wins; a metric no rule matches
// always goes on. Pure: the caller gives each reading's time, so the same
// input always gives the same output.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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
  // heartbeat_ns 0: no heartbeat.
  DeadbandFilter(std::vector<DeadbandRule> rules, std::int64_t heartbeat_ns);
  // True when the reading is to be sent (and it is remembered as the last
  // one sent); false when it falls inside the band. value nullopt is a JSON
  // null: it goes on when the last one sent was a number, and the other way.
  bool admit(std::string_view device, std::string_view metric, std::optional<double> value, int quality,
             std::int64_t time_ns);
  std::uint64_t admitted() const { return admitted_; }
  std::uint64_t suppressed() const { return suppressed_; }
  bool empty() const { return rules_.empty(); }

 private:
  struct LastSent {
    int rule = -1;  // the rule matched once, when the metric was first seen (-1: none)
    std::optional<double> value;
    int quality = 0;
    std::int64_t time_ns = 0;
  };
  // Heterogeneous lookup: a string_view finds a std::string key without a copy.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Metrics = std::unordered_map<std::string, LastSent, Hash, std::equal_to<>>;

  int rule_for(std::string_view metric) const;
  bool outside_band(const DeadbandRule& rule, double last, double value) const;

  std::vector<DeadbandRule> rules_;
  std::int64_t heartbeat_ns_;
  std::unordered_map<std::string, Metrics, Hash, std::equal_to<>> devices_;
  // Read by --metrics-listen while the filter runs (core/relaxed.hpp).
  Count admitted_ = 0, suppressed_ = 0;
};

}  // namespace iot::telemetry
