#include "iot-verify/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

namespace iot::verify {
namespace {

nlohmann::ordered_json counters_json(const Counters& c) {
  nlohmann::ordered_json j;
  j["total"] = c.total;
  j["valid"] = c.valid;
  j["invalid"] = c.invalid;
  j["bad_json"] = c.bad_json;
  j["bad_signature"] = c.bad_signature;
  j["schema_errors"] = c.schema_errors;
  j["duplicates"] = c.duplicates;
  j["gaps"] = {{"events", c.gap_events}, {"missing", c.missing}};
  j["reordered"] = c.reordered;
  j["future_ts"] = c.future_ts;
  j["stale_ts"] = c.stale_ts;
  j["clock_drift"] = c.clock_drift;
  return j;
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
  nlohmann::ordered_json j = counters_json(stats.totals);
  nlohmann::ordered_json devices = nlohmann::ordered_json::object();
  std::map<std::string_view, const DeviceStats*> sorted;
  for (const auto& [id, d] : stats.devices) sorted.emplace(id, &d);
  for (const auto& [id, d] : sorted) {
    nlohmann::ordered_json dj = counters_json(d->counters);
    dj["last_seq"] = d->last_seq ? nlohmann::ordered_json(*d->last_seq) : nlohmann::ordered_json(nullptr);
    devices[std::string(id)] = std::move(dj);
  }
  j["devices"] = std::move(devices);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string render_text(const Stats& stats, std::size_t max_devices_shown) {
  const Counters& t = stats.totals;
  std::string out = fmt::format("total: {}\n", counters_text(t));
  std::vector<std::pair<std::string_view, const DeviceStats*>> problem;
  for (const auto& [id, d] : stats.devices)
    if (d.counters.problems()) problem.emplace_back(id, &d);
  std::sort(problem.begin(), problem.end(), [](const auto& a, const auto& b) {
    auto pa = a.second->counters.problems(), pb = b.second->counters.problems();
    return pa != pb ? pa > pb : a.first < b.first;
  });
  out += fmt::format("devices: {} seen, {} with problems, {} clean\n", stats.devices.size(), problem.size(),
                     stats.devices.size() - problem.size());
  std::size_t shown = std::min(problem.size(), max_devices_shown);
  for (std::size_t i = 0; i < shown; ++i) {
    const DeviceStats& d = *problem[i].second;
    std::string seq = d.last_seq ? fmt::format(", last seq {}", *d.last_seq) : "";
    out += fmt::format("  {}: {}{}\n", problem[i].first, counters_text(d.counters), seq);
  }
  if (problem.size() > shown) out += fmt::format("  ... and {} more devices with problems\n", problem.size() - shown);
  if (stats.untracked_devices_lines)
    out += fmt::format("({} lines came from devices beyond --max-devices: in the totals only)\n",
                       stats.untracked_devices_lines);
  return out;
}

}  // namespace iot::verify
