// One [[rule]] of a rules file (iot-rules(5)): which devices and metrics it
// watches and the checks it applies to them. A rule holds one or more
// checks; each check raises and clears its own alarm per device and metric.
#pragma once

#include <cstddef>
#include <cstdint>
#include <climits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iot::rules {

enum class CheckKind { range, stuck, rate, silence, bad_quality };

std::string_view check_name(CheckKind kind);

// Time arithmetic on nanoseconds that saturates instead of overflowing:
// times come from the data, and a hostile timestamp must not be undefined
// behaviour.
inline std::int64_t add_sat(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}
inline std::int64_t sub_sat(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? INT64_MAX : INT64_MIN;
  return r;
}

struct Rule {
  std::string name;
  std::string device = "*";  // glob over device ids
  std::string metric = "*";  // glob over metric names
  std::optional<double> min, max;                  // range = [min, max]
  std::optional<std::int64_t> stuck_ns;            // stuck = "10m"
  double epsilon = 0;                              // stuck: changes up to this are "unchanged"
  std::optional<double> rate;                      // rate = X, per second
  std::optional<std::int64_t> silence_ns;          // silence = "2m"
  std::optional<std::int64_t> bad_quality_ns;      // bad_quality = "1m"
  std::int64_t clear_after_ns = 0;                 // hysteresis: the condition gone this long
  std::size_t line = 0;                            // where the [[rule]] starts, for messages

  // The checks this rule applies, in a fixed order.
  std::vector<CheckKind> checks() const;
};

struct RuleSet {
  std::string source;  // the file name
  std::vector<Rule> rules;
};

}  // namespace iot::rules
