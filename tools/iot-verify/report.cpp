#include "iot-verify/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <vector>

namespace iot::verify {
namespace {

// The counters as JSON members, in the order of iot-verify(1), Report.
// Written as text: a document tree of a large fleet's report costs far more
// than the report itself (an ordered object looks each key up linearly).
void append_counters(std::string& out, const Counters& c) {
  fmt::format_to(std::back_inserter(out),
                 "\"total\":{},\"valid\":{},\"invalid\":{},\"bad_json\":{},\"bad_signature\":{},"
                 "\"schema_errors\":{},\"duplicates\":{},\"gaps\":{{\"events\":{},\"missing\":{}}},"
                 "\"reordered\":{},\"future_ts\":{},\"stale_ts\":{},\"clock_drift\":{}",
                 c.total, c.valid, c.invalid, c.bad_json, c.bad_signature, c.schema_errors, c.duplicates,
                 c.gap_events, c.missing, c.reordered, c.future_ts, c.stale_ts, c.clock_drift);
}

// A device id as a JSON string; bytes that are not UTF-8 become U+FFFD.
void append_id(std::string& out, std::string_view id) {
  out += nlohmann::json(std::string(id)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string counters_text(const Counters& c) {
  std::string out = fmt::format("{} lines, {} valid, {} invalid", c.total, c.valid, c.invalid);
  auto part = [&](std::uint64_t n, std::string_view what) {
    if (n) out += fmt::format(", {} {}", n, what);
  };
  part(c.bad_json, "bad json");
  part(c.bad_signature, "bad signature");
  part(c.schema_errors, "schema errors");
  part(c.duplicates, "duplicates");
  if (c.gap_events) out += fmt::format(", {} gaps ({} seqs missing)", c.gap_events, c.missing);
  part(c.reordered, "reordered");
  part(c.future_ts, "in the future");
  part(c.stale_ts, "too old");
  part(c.clock_drift, "clock drift");
  return out;
}

}  // namespace

std::string render_json(const Stats& stats) {
  std::vector<std::pair<std::string_view, const DeviceStats*>> sorted;
  sorted.reserve(stats.devices.size());
  stats.devices.for_each([&](std::string_view id, const DeviceStats& d) { sorted.emplace_back(id, &d); });
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  out.reserve(256 + sorted.size() * 256);
  out += '{';
  append_counters(out, stats.totals);
  fmt::format_to(std::back_inserter(out), ",\"evicted_devices\":{}", stats.devices.evicted());
  out += ",\"devices\":{";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i) out += ',';
    append_id(out, sorted[i].first);
    out += ":{";
    append_counters(out, sorted[i].second->counters);
    const auto seq = sorted[i].second->last_seq();
    if (seq) fmt::format_to(std::back_inserter(out), ",\"last_seq\":{}}}", *seq);
    else out += ",\"last_seq\":null}";
  }
  out += "}}\n";
  return out;
}

std::string render_text(const Stats& stats, std::size_t max_devices_shown) {
  const Counters& t = stats.totals;
  std::string out = fmt::format("total: {}\n", counters_text(t));
  std::vector<std::pair<std::string_view, const DeviceStats*>> problem;
  stats.devices.for_each([&](std::string_view id, const DeviceStats& d) {
    if (d.counters.problems()) problem.emplace_back(id, &d);
  });
  std::sort(problem.begin(), problem.end(), [](const auto& a, const auto& b) {
    auto pa = a.second->counters.problems(), pb = b.second->counters.problems();
    return pa != pb ? pa > pb : a.first < b.first;
  });
  out += fmt::format("devices: {} seen, {} with problems, {} clean\n", stats.devices.size(), problem.size(),
                     stats.devices.size() - problem.size());
  std::size_t shown = std::min(problem.size(), max_devices_shown);
  for (std::size_t i = 0; i < shown; ++i) {
    const DeviceStats& d = *problem[i].second;
    std::string seq = d.seq.seen ? fmt::format(", last seq {}", d.seq.last_seq) : "";
    out += fmt::format("  {}: {}{}\n", problem[i].first, counters_text(d.counters), seq);
  }
  if (problem.size() > shown) out += fmt::format("  ... and {} more devices with problems\n", problem.size() - shown);
  if (stats.devices.evicted())
    out += fmt::format("({} devices evicted past --max-devices {}: their lines are in the totals only)\n",
                       stats.devices.evicted(), stats.devices.max_devices());
  return out;
}

}  // namespace iot::verify
