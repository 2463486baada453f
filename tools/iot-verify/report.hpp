// iot-verify's report: JSON with exactly the fields of iot-verify(1), Report (plus
// bad_json, which the invalid count needs to add up), or text for humans.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "iot-verify/stats.hpp"

namespace iot::verify {

// Which devices the JSON report lists (--report-devices).
enum class ReportDevices { all, problems, none };
// Past this many tracked devices the default is `problems`, else `all`.
inline constexpr std::size_t kAllDevicesUpTo = 10'000;
ReportDevices report_devices_for(std::optional<ReportDevices> chosen, std::size_t tracked_devices);
std::string_view report_devices_name(ReportDevices which);

// Takes the report a piece at a time (about 64 KiB); false stops the writing.
using ReportSink = std::function<bool(std::string_view)>;

// One JSON object and a newline: total, valid, invalid, bad_json,
// bad_signature, schema_errors, duplicates, gaps {events, missing},
// reordered, future_ts, stale_ts, clock_drift, tracked_devices,
// evicted_devices, report_devices, devices {ID: {...same counters...,
// last_seq}} (devices sorted by id; all, only those with problems, or
// none). Written as a stream: only the sorted list of device pointers is
// held, never the report. False when the sink said stop.
bool write_json(const Stats& stats, ReportDevices which, const ReportSink& sink);
// The same, as one string (tests, small reports).
std::string render_json(const Stats& stats, ReportDevices which = ReportDevices::all);

// Totals, then one line per device with problems, most problems first
// (at most max_devices_shown; clean devices are only counted).
std::string render_text(const Stats& stats, std::size_t max_devices_shown = 50);

}  // namespace iot::verify
