// iot-verify's report: JSON with exactly the fields of iot-verify(1), Report (plus
// bad_json, which the invalid count needs to add up), or text for humans.
#pragma once

#include <string>

#include "iot-verify/stats.hpp"

namespace iot::verify {

// One JSON object and a newline: total, valid, invalid, bad_json,
// bad_signature, schema_errors, duplicates, gaps {events, missing},
// reordered, future_ts, stale_ts, clock_drift, devices {ID: {...same
// counters..., last_seq}} (devices sorted by id).
std::string render_json(const Stats& stats);

// Totals, then one line per device with problems, most problems first
// (at most max_devices_shown; clean devices are only counted).
std::string render_text(const Stats& stats, std::size_t max_devices_shown = 50);

}  // namespace iot::verify
