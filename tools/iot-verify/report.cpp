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
  // Keys and numbers appended as they are: a format string parsed once per
  // device was a fifth of a million-device report.
  auto member = [&](std::string_view key_and_colon, std::uint64_t n) {
    out += key_and_colon;
    fmt::format_int digits(n);
    out.append(digits.data(), digits.size());
  };
  member("\"total\":", c.total);
  member(",\"valid\":", c.valid);
  member(",\"invalid\":", c.invalid);
  member(",\"bad_json\":", c.bad_json);
  member(",\"bad_signature\":", c.bad_signature);
  member(",\"schema_errors\":", c.schema_errors);
  member(",\"duplicates\":", c.duplicates);
  member(",\"gaps\":{\"events\":", c.gap_events);
  member(",\"missing\":", c.missing);
  member("},\"reordered\":", c.reordered);
  member(",\"future_ts\":", c.future_ts);
  member(",\"stale_ts\":", c.stale_ts);
  member(",\"clock_drift\":", c.clock_drift);
}

// A device id as a JSON string; bytes that are not UTF-8 become U+FFFD.
// Plain printable ASCII (nearly every id) is copied as it is.
void append_id(std::string& out, std::string_view id) {
  bool plain = std::all_of(id.begin(), id.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (plain) {
    out += '"';
    out += id;
    out += '"';
    return;
  }
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

ReportDevices report_devices_for(std::optional<ReportDevices> chosen, std::size_t tracked_devices) {
  if (chosen) return *chosen;
  return tracked_devices > kAllDevicesUpTo ? ReportDevices::problems : ReportDevices::all;
}

std::string_view report_devices_name(ReportDevices which) {
  switch (which) {
    case ReportDevices::all: return "all";
    case ReportDevices::problems: return "problems";
    case ReportDevices::none: return "none";
  }
  return "all";
}

bool write_json(const Stats& stats, ReportDevices which, const ReportSink& sink) {
  constexpr std::size_t kPiece = 64u << 10;
  std::vector<std::pair<std::string_view, const DeviceStats*>> sorted;
  if (which != ReportDevices::none) {
    sorted.reserve(which == ReportDevices::all ? stats.devices.size() : 0);
    stats.devices.for_each([&](std::string_view id, const DeviceStats& d) {
      if (which == ReportDevices::all || d.counters.problems()) sorted.emplace_back(id, &d);
    });
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  std::string out;
  out.reserve(kPiece + 1024);
  out += '{';
  append_counters(out, stats.totals);
  fmt::format_to(std::back_inserter(out), ",\"tracked_devices\":{},\"evicted_devices\":{},\"report_devices\":\"{}\"",
                 stats.devices.size(), stats.devices.evicted(), report_devices_name(which));
  out += ",\"devices\":{";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i) out += ',';
    append_id(out, sorted[i].first);
    out += ":{";
    append_counters(out, sorted[i].second->counters);
    const auto seq = sorted[i].second->last_seq();
    if (seq) {
      out += ",\"last_seq\":";
      fmt::format_int digits(*seq);
      out.append(digits.data(), digits.size());
      out += '}';
    } else {
      out += ",\"last_seq\":null}";
    }
    if (out.size() >= kPiece) {
      if (!sink(out)) return false;
      out.clear();
    }
  }
  out += "}}\n";
  return sink(out);
}

std::string render_json(const Stats& stats, ReportDevices which) {
  std::string all;
  write_json(stats, which, [&](std::string_view piece) {
    all += piece;
    return true;
  });
  return all;
}

std::string render_text(const Stats& stats, std::size_t max_devices_shown) {
  const Counters& t = stats.totals;
  std::string out = fmt::format("total: {}\n", counters_text(t));
  // Only the devices shown are kept (a bounded heap, worst on top): a fleet
  // where every device has a finding costs no list of the whole fleet.
  using Entry = std::pair<std::string_view, const DeviceStats*>;
  auto worse = [](const Entry& a, const Entry& b) {
    auto pa = a.second->counters.problems(), pb = b.second->counters.problems();
    return pa != pb ? pa > pb : a.first < b.first;
  };
  std::vector<Entry> problem;
  std::size_t with_problems = 0;
  stats.devices.for_each([&](std::string_view id, const DeviceStats& d) {
    if (!d.counters.problems()) return;
    ++with_problems;
    if (max_devices_shown == 0) return;
    Entry e{id, &d};
    if (problem.size() < max_devices_shown) {
      problem.push_back(e);
      std::push_heap(problem.begin(), problem.end(), worse);
    } else if (worse(e, problem.front())) {
      std::pop_heap(problem.begin(), problem.end(), worse);
      problem.back() = e;
      std::push_heap(problem.begin(), problem.end(), worse);
    }
  });
  std::sort_heap(problem.begin(), problem.end(), worse);
  out += fmt::format("devices: {} seen, {} with problems, {} clean\n", stats.devices.size(), with_problems,
                     stats.devices.size() - with_problems);
  std::size_t shown = std::min(problem.size(), max_devices_shown);
  for (std::size_t i = 0; i < shown; ++i) {
    const DeviceStats& d = *problem[i].second;
    std::string seq = d.seq.seen ? fmt::format(", last seq {}", d.seq.last_seq) : "";
    out += fmt::format("  {}: {}{}\n", problem[i].first, counters_text(d.counters), seq);
  }
  if (with_problems > shown) out += fmt::format("  ... and {} more devices with problems\n", with_problems - shown);
  if (stats.devices.evicted())
    out += fmt::format("({} devices evicted past --max-devices {}: their lines are in the totals only)\n",
                       stats.devices.evicted(), stats.devices.max_devices());
  return out;
}

}  // namespace iot::verify
