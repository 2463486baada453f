// The conditions of the per-reading checks (iot-rules(5), CHECKS): whether a
// reading shows the fault, and since when. Alarm state (raise, clear,
// clear_after) is hysteresis.hpp's job; silence, which is about readings
// that do not come, is the evaluator's (evaluator.hpp).
#pragma once

#include <cstdint>
#include <optional>

#include "rules/rule.hpp"

namespace iot::rules {

// One reading as the checks see it. Quality is the OPC-UA code of
// iot-stream(5): below 64 is bad.
struct Sample {
  std::int64_t time_ns = 0;
  std::optional<double> value;
  int quality = 192;
};

bool is_bad_quality(int quality);

// What one check remembers about one device and metric.
struct ConditionState {
  bool has_last = false;  // rate: the previous reading
  double last_value = 0;
  std::int64_t last_ns = 0;  // rate, stuck: the latest reading used
  bool has_anchor = false;  // stuck: the value the run of equal values started with
  double anchor = 0;
  std::int64_t anchor_ns = 0;
  std::optional<std::int64_t> bad_since_ns;  // bad_quality: the first bad reading of the run
};

struct Condition {
  bool known = false;        // false: the reading says nothing to this check (null or bad value, out of order)
  bool active = false;       // the fault is there
  std::int64_t since_ns = 0;  // when it started (the first reading of the run)
  double measure = 0;        // rate: the change per second; stuck, bad_quality: seconds so far
};

// range:       the value below min or above max.
// stuck:       the value within epsilon of the run's first value for stuck_ns or longer;
//              readings more than stuck_ns apart start a new run.
// rate:        |change| / elapsed seconds since the previous reading above rate.
// bad_quality: bad quality for bad_quality_ns or longer.
// range, stuck and rate skip readings of bad quality or with no value
// (known = false), and every check skips a reading older than the last one
// it used. kind must not be silence.
Condition evaluate(CheckKind kind, const Rule& rule, ConditionState& state, const Sample& sample);

}  // namespace iot::rules
