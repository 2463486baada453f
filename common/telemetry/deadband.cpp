#include "telemetry/deadband.hpp"

#include <charconv>
#include <cmath>

#include "core/glob.hpp"

namespace iot::telemetry {
namespace {

Error usage(std::string_view spec, std::string_view why) {
  return make_error(ErrorKind::usage, "usage",
                    "deadband '" + std::string(spec) + "': " + std::string(why) +
                        " (expected GLOB=abs:X or GLOB=pct:P, e.g. 'temp_*=abs:0.2')");
}

}  // namespace

Result<DeadbandRule> parse_deadband_rule(std::string_view spec) {
  DeadbandRule rule;
  std::string_view band = spec;
  auto eq = spec.rfind('=');
  if (eq != std::string_view::npos) {
    rule.metric_glob = std::string(spec.substr(0, eq));
    band = spec.substr(eq + 1);
    if (rule.metric_glob.empty()) return usage(spec, "empty metric glob");
  } else {
    rule.metric_glob = "*";
  }
  auto colon = band.find(':');
  if (colon == std::string_view::npos) return usage(spec, "no abs: or pct:");
  std::string_view kind = band.substr(0, colon), number = band.substr(colon + 1);
  if (kind == "abs") rule.kind = DeadbandRule::Kind::absolute;
  else if (kind == "pct") rule.kind = DeadbandRule::Kind::percent;
  else return usage(spec, "the band is abs: or pct:");
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), rule.threshold);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size())
    return usage(spec, "the band's size is not a number");
  if (!std::isfinite(rule.threshold) || rule.threshold < 0) return usage(spec, "the band must be finite and >= 0");
  return rule;
}

DeadbandFilter::DeadbandFilter(std::vector<DeadbandRule> rules, std::int64_t heartbeat_ns)
    : rules_(std::move(rules)), heartbeat_ns_(heartbeat_ns) {}

int DeadbandFilter::rule_for(std::string_view metric) const {
  for (std::size_t i = 0; i < rules_.size(); ++i)
    if (glob_matches(rules_[i].metric_glob, metric)) return static_cast<int>(i);
  return -1;
}

bool DeadbandFilter::outside_band(const DeadbandRule& rule, double last, double value) const {
  double delta = std::fabs(value - last);
  if (rule.kind == DeadbandRule::Kind::absolute) return delta > rule.threshold;
  // Relative to the last value sent; from zero any change is a change.
  if (last == 0) return value != 0;
  return delta > std::fabs(last) * rule.threshold / 100.0;
}

bool DeadbandFilter::admit(std::string_view device, std::string_view metric, std::optional<double> value,
                           int quality, std::int64_t time_ns) {
  auto dev = devices_.find(device);
  if (dev == devices_.end()) dev = devices_.emplace(std::string(device), Metrics{}).first;
  auto it = dev->second.find(metric);
  bool send;
  if (it == dev->second.end()) {  // first seen: sent, and its rule looked up once
    it = dev->second.emplace(std::string(metric), LastSent{}).first;
    it->second.rule = rule_for(metric);
    send = true;
  } else {
    const LastSent& last = it->second;
    if (last.rule < 0 || last.quality != quality || last.value.has_value() != value.has_value()) {
      send = true;
    } else if (heartbeat_ns_ > 0 && time_ns - last.time_ns >= heartbeat_ns_) {
      send = true;
    } else {
      send = value && outside_band(rules_[last.rule], *last.value, *value);
    }
  }
  if (!send) {
    ++suppressed_;
    return false;
  }
  LastSent& last = it->second;
  last.value = value;
  last.quality = quality;
  last.time_ns = time_ns;
  ++admitted_;
  return true;
}

}  // namespace iot::telemetry
