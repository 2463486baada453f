#include "telemetry/deadband.hpp"

#include <charconv>
#include <cmath>
#include <limits>

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

DeadbandFilter::DeadbandFilter(std::vector<DeadbandRule> rules, std::int64_t heartbeat_ns,
                               std::size_t max_devices)
    : rules_(std::move(rules)), heartbeat_ns_(heartbeat_ns), devices_(max_devices) {}

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

std::optional<DeadbandFilter::MetricName> DeadbandFilter::metric_name(std::string_view metric) {
  if (auto it = metric_names_.find(metric); it != metric_names_.end()) return it->second;
  if (metric_names_.size() >= kMaxMetricNames) return std::nullopt;
  MetricName known{static_cast<std::uint32_t>(metric_names_.size()), rule_for(metric)};
  metric_names_.emplace(std::string(metric), known);
  return known;
}

bool DeadbandFilter::admit(std::string_view device, std::string_view metric, std::optional<double> value,
                           int quality, std::int64_t time_ns) {
  const auto known = metric_name(metric);
  const int rule = known ? known->rule : -1;
  if (rule < 0) {  // no rule (or a name past the cap): it goes on, nothing to remember
    ++admitted_;
    return true;
  }
  bool created = false;
  Metrics& metrics = devices_.touch(device, created);
  evicted_ = devices_.evicted();
  auto it = metrics.begin();
  while (it != metrics.end() && it->metric != known->index) ++it;
  const double now = value ? *value : std::numeric_limits<double>::quiet_NaN();
  bool send;
  if (it == metrics.end()) {  // first seen: sent
    if (metrics.size() >= kMaxMetricsPerDevice) {  // not remembered: it always goes on
      ++admitted_;
      return true;
    }
    if (metrics.capacity() == 0) metrics.reserve(6);  // a device's usual handful, in one allocation
    it = metrics.insert(metrics.end(), LastSent{known->index, 0, 0, 0});
    send = true;
  } else {
    const LastSent& last = *it;
    if (last.quality != quality || std::isnan(last.value) != std::isnan(now)) {
      send = true;
    } else if (heartbeat_ns_ > 0 && time_ns - last.time_ns >= heartbeat_ns_) {
      send = true;
    } else {
      send = value && outside_band(rules_[rule], last.value, now);
    }
  }
  if (!send) {
    ++suppressed_;
    return false;
  }
  it->value = now;
  it->quality = quality;
  it->time_ns = time_ns;
  ++admitted_;
  return true;
}

}  // namespace iot::telemetry
