#include "replay/fleet_spec.hpp"

#include <charconv>
#include <chrono>
#include <cctype>
#include <cmath>

#include "codec/json_text.hpp"
#include "core/duration.hpp"
#include "core/time_text.hpp"

namespace iot::replay {
namespace {

Error usage(std::string message) { return make_error(ErrorKind::usage, "usage", std::move(message)); }

// Calls each(key, value) for "k=v,k=v"; an item without '=' is an error.
template <class Fn>
Status for_each_item(std::string_view text, std::string_view what, Fn each) {
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos) return usage(std::string(what) + ": expected key=value, got '" + std::string(item) + "'");
    Status st = each(item.substr(0, eq), item.substr(eq + 1));
    if (!st) return st;
  }
  return ok_status();
}

Result<double> number(std::string_view key, std::string_view value) {
  double d = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), d);
  if (ec != std::errc() || p != value.data() + value.size() || !std::isfinite(d) || d < 0)
    return usage(std::string(key) + "=" + std::string(value) + ": expected a number >= 0");
  return d;
}

std::vector<std::string> split_metrics(std::string_view value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i == value.size() || value[i] == ':' || value[i] == '+' || value[i] == ';') {
      if (i > start) out.emplace_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

Status set_fleet_key(FleetSpec& spec, std::string_view key, std::string_view value) {
  if (key == "devices") {
    auto n = number(key, value);
    if (!n || *n < 1 || *n > 1000000 || *n != std::floor(*n)) return usage("devices: expected 1..1000000");
    spec.devices = std::uint32_t(*n);
  } else if (key == "rate") {
    auto r = number(key, value);
    if (!r || *r <= 0 || *r > 1e6) return usage("rate: expected messages per device per second, > 0");
    spec.rate = *r;
  } else if (key == "metrics") {
    spec.metrics = split_metrics(value);
    if (spec.metrics.empty() || spec.metrics.size() > 64) return usage("metrics: expected 1..64 names, a:b:c");
    for (const auto& m : spec.metrics)
      for (char c : m)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
              static_cast<unsigned char>(c) >= 0x80))
          return usage("metrics: names take letters (UTF-8 too), digits, '_', '-', '.'");
    for (const auto& m : spec.metrics)
      if (!codec::is_valid_utf8(m)) return usage("metrics: names must be UTF-8");
  } else if (key == "shape") {
    if (value == "nested") spec.shape = FleetShape::nested;
    else if (value == "flat") spec.shape = FleetShape::flat;
    else if (value == "signed") spec.shape = FleetShape::signed_payload;
    else return usage("shape: expected nested, flat or signed");
  } else if (key == "duration") {
    auto d = parse_duration(value);
    if (!d || d->count() <= 0) return usage("duration: expected seconds or 500ms/5m/2h, > 0");
    spec.duration_s = std::chrono::duration<double>(*d).count();
  } else if (key == "seed") {
    std::uint64_t seed = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seed);
    if (ec != std::errc() || p != value.data() + value.size()) return usage("seed: expected an unsigned integer");
    spec.seed = seed;
  } else if (key == "start") {
    auto t = time_text::parse_time_ns(value, time_text::command_line_rules);
    if (!t) return usage("start: " + t.error().message);
    spec.start_ms = *t / 1000000;
  } else {
    return usage("--synthetic: unknown key '" + std::string(key) +
                 "' (devices, rate, metrics, shape, duration, seed, start)");
  }
  return ok_status();
}

}  // namespace

Result<FleetSpec> parse_fleet_spec(std::string_view text) {
  FleetSpec spec;
  Status st = for_each_item(text, "--synthetic", [&](auto k, auto v) { return set_fleet_key(spec, k, v); });
  if (!st) return st.error();
  return spec;
}

Result<InjectSpec> parse_inject_spec(std::string_view text) {
  InjectSpec spec;
  Status st = for_each_item(text, "--inject", [&](std::string_view k, std::string_view v) -> Status {
    if (k == "hold") {
      auto d = parse_duration(v);
      if (!d || d->count() <= 0) return usage("--inject hold: expected a duration (30s, 5m), > 0");
      spec.hold_s = std::chrono::duration<double>(*d).count();
      return ok_status();
    }
    auto p = number(k, v);
    if (!p || *p > 0.5) return usage("--inject " + std::string(k) + ": expected a probability 0..0.5");
    if (k == "dup") spec.dup = *p;
    else if (k == "gap") spec.gap = *p;
    else if (k == "reorder") spec.reorder = *p;
    else if (k == "corrupt") spec.corrupt = *p;
    else if (k == "late") spec.late = *p;
    else if (k == "stuck") spec.stuck = *p;
    else if (k == "spike") spec.spike = *p;
    else if (k == "dead") spec.dead = *p;
    else
      return usage("--inject: unknown fault '" + std::string(k) +
                   "' (dup, gap, reorder, corrupt, late, stuck, spike, dead, hold)");
    return ok_status();
  });
  if (!st) return st.error();
  if (spec.total() >= 0.5) return usage("--inject: the fault rates must add up to less than 0.5");
  return spec;
}

std::string_view fleet_shape_name(FleetShape shape) {
  switch (shape) {
    case FleetShape::nested: return "nested";
    case FleetShape::flat: return "flat";
    case FleetShape::signed_payload: return "signed";
  }
  return "nested";
}

}  // namespace iot::replay
