#include "replay/fleet.hpp"
#include "ulid/ulid.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

#include "codec/base64.hpp"
#include "sign/hmac.hpp"
#include "sign/python_json.hpp"

namespace iot::replay {

struct Fleet::MetricProfile {
  double base, spread, daily, noise, drift;  // spread: device-to-device sd of the base
};

namespace {

constexpr double kTwoPi = 6.283185307179586;

Fleet::MetricProfile profile_for(const std::string& metric) {
  if (metric == "temp_inlet_c") return {72.0, 3.0, 2.0, 0.3, 0.02};
  if (metric == "temp_outlet_c") return {81.0, 3.0, 2.5, 0.3, 0.02};
  if (metric == "pressure_bar") return {4.2, 0.3, 0.1, 0.05, 0.002};
  if (metric == "flow_m3h") return {142.0, 10.0, 8.0, 1.5, 0.05};
  if (metric == "vibration_rms") return {0.8, 0.1, 0.05, 0.04, 0.001};
  if (metric == "power_kw") return {18.4, 1.5, 1.0, 0.2, 0.01};
  return {50.0, 5.0, 5.0, 1.0, 0.02};
}

std::string flat_key_for(const std::string& metric) {
  if (metric == "temp_inlet_c") return "ti";
  if (metric == "temp_outlet_c") return "to";
  if (metric == "pressure_bar") return "p";
  if (metric == "flow_m3h") return "f";
  if (metric == "power_kw") return "pw";
  if (metric == "vibration_rms") return "vr";
  return metric;
}

std::string fill_topic(const std::string& tpl, const std::string& device_id) {
  std::string out = tpl;
  for (auto [name, value] : {std::pair<std::string_view, std::string_view>{"{device_id}", device_id},
                             {"{device_type}", "centrifugal_pump"}}) {
    for (auto pos = out.find(name); pos != std::string::npos; pos = out.find(name, pos + value.size()))
      out.replace(pos, name.size(), value);
  }
  return out;
}

template <class Int>
void append_int(std::string& out, Int v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

std::int64_t current_second_ms() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(now).count() * 1000;
}

}  // namespace

Fleet::Fleet(FleetSpec spec, std::string key, const std::string& topic_template)
    : spec_(std::move(spec)), key_(std::move(key)), rng_(spec_.seed) {
  for (const auto& m : spec_.metrics) {
    profiles_.push_back(profile_for(m));
    flat_keys_.push_back(flat_key_for(m));
    canonical_keys_.emplace_back();
    sign::append_python_string(canonical_keys_.back(), m);  // UTF-8 checked by the spec parser
    sorted_metrics_.push_back(sorted_metrics_.size());
  }
  std::sort(sorted_metrics_.begin(), sorted_metrics_.end(),
            [&](std::size_t a, std::size_t b) { return spec_.metrics[a] < spec_.metrics[b]; });
  values_.resize(spec_.metrics.size());
  quality_.resize(spec_.metrics.size());
  per_device_ = std::uint64_t(std::floor(spec_.duration_s * spec_.rate + 1e-9));
  start_ns_ = (spec_.start_ms ? *spec_.start_ms : current_second_ms()) * 1000000;
  period_ns_ = 1e9 / spec_.rate;
  if (spec_.devices >= 3) failing_ = std::int64_t(spec_.seed % spec_.devices);
  int width = std::max(4, int(std::to_string(spec_.devices).size()));
  devices_.resize(spec_.devices);
  for (std::uint32_t d = 0; d < spec_.devices; ++d) {
    Device& dev = devices_[d];
    dev.id = fmt::format("P-{:0{}}", d + 1, width);
    dev.topic = fill_topic(topic_template, dev.id);
    for (const auto& p : profiles_) {
      dev.base.push_back(p.base + p.spread * rng_.noise());
      dev.drift.push_back(0);
    }
    dev.phase = rng_.uniform() * kTwoPi;
    dev.fw_version = d % 7 == 3 ? "2.4.0" : "2.3.1";
    dev.gw_id = fmt::format("gw-{:02}", d / 250 + 1);
  }
  scratch_.reserve(1024);
}

Fleet::~Fleet() = default;

bool Fleet::next(SyntheticMessage& out) {
  if (tick_ >= per_device_ || devices_.empty()) return false;
  std::uint32_t d = next_device_;
  // Devices are spread evenly over one period so the fleet's rate is smooth.
  double offset = (double(tick_) + double(d) / double(spec_.devices)) * period_ns_;
  out.time_ns = start_ns_ + std::int64_t(offset);
  out.device = d;
  out.seq = tick_ + 1;
  Device& dev = devices_[d];
  double progress = double(tick_) / double(std::max<std::uint64_t>(per_device_, 1));
  compute_values(dev, double(out.time_ns) * 1e-9, progress, std::int64_t(d) == failing_);
  out.silent = hook_ && !hook_->adjust(out, values_, quality_);
  if (out.silent) out.line.clear();
  else render(dev, out, out.time_ns / 1000000, out.seq);
  if (++next_device_ == spec_.devices) {
    next_device_ = 0;
    ++tick_;
  }
  return true;
}

void Fleet::compute_values(Device& dev, double t_s, double progress, bool failing) {
  double cycle = std::sin(kTwoPi * t_s / 86400.0 + dev.phase);
  double wear = failing && progress >= 0.6 ? (progress - 0.6) / 0.4 : 0.0;
  bool broken = failing && progress >= 0.9;
  for (std::size_t i = 0; i < profiles_.size(); ++i) {
    const MetricProfile& p = profiles_[i];
    dev.drift[i] = 0.999 * dev.drift[i] + p.drift * rng_.noise();
    double v = dev.base[i] + dev.drift[i] + p.daily * cycle + p.noise * rng_.noise();
    const std::string& name = spec_.metrics[i];
    if (wear > 0) {
      if (name == "vibration_rms") v *= 1 + 8 * wear * wear;
      if (name.rfind("temp_", 0) == 0) v += 12 * wear;
      if (broken && name == "flow_m3h") v = 0;
    }
    values_[i] = std::round(v * 100) / 100;
    double u = rng_.uniform();
    quality_[i] = broken ? 0 : u < 0.001 ? 0 : u < 0.004 ? 68 : 192;
  }
}

void Fleet::render(const Device& dev, SyntheticMessage& out, std::int64_t ts_ms, std::uint64_t seq) {
  if (spec_.shape != FleetShape::flat) {
    std::uint64_t hi = rng_.next(), lo = rng_.next();
    ulid::format_to(std::uint64_t(ts_ms), hi, lo, out.msg_id);
  }
  std::string& line = out.line;
  line.clear();
  line += "{\"topic\":\"";
  line += dev.topic;  // validated by the caller's template check: no quotes or controls
  line += "\",\"payload\":";
  switch (spec_.shape) {
    case FleetShape::nested: append_nested(line, dev, out, ts_ms); break;
    case FleetShape::flat: append_flat(line, dev, ts_ms); break;
    case FleetShape::signed_payload: append_signed(line, dev, out, out.time_ns); break;
  }
  line += '}';
}

void Fleet::append_nested(std::string& line, const Device& dev, const SyntheticMessage& m, std::int64_t ts_ms) {
  line += "{\"schema_version\":\"2.1\",\"msg_id\":\"";
  line.append(m.msg_id, 26);
  line += "\",\"device_id\":\"";
  line += dev.id;
  line += "\",\"device_type\":\"centrifugal_pump\",\"ts\":";
  append_int(line, ts_ms);
  line += ",\"seq\":";
  append_int(line, m.seq);
  line += ",\"d\":{";
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (i) line += ',';
    line += '"';
    line += spec_.metrics[i];
    line += "\":{\"v\":";
    sign::append_python_float(line, values_[i]);
    line += ",\"q\":";
    append_int(line, quality_[i]);
    line += '}';
  }
  std::int64_t latency = 20 + std::int64_t(rng_.below(180));
  line += "},\"meta\":{\"fw_version\":\"";
  line += dev.fw_version;
  line += "\",\"gw_id\":\"";
  line += dev.gw_id;
  line += "\",\"source_ts\":";
  append_int(line, ts_ms - latency);
  line += ",\"edge_latency_ms\":";
  append_int(line, latency);
  line += "}}";
}

void Fleet::append_flat(std::string& line, const Device& dev, std::int64_t ts_ms) {
  line += "{\"v\":\"2.1\",\"id\":\"";
  line += dev.id;
  line += "\",\"t\":";
  append_int(line, ts_ms);
  for (std::size_t i = 0; i < values_.size(); ++i) {
    line += ",\"";
    line += flat_keys_[i];
    line += "\":";
    sign::append_python_float(line, values_[i]);
  }
  line += '}';
}

// The signed shape (iot-stream(5)). The inner payload is written directly in canonical form
// (keys sorted, Python's number spelling), so it is also what gets signed.
void Fleet::append_signed(std::string& line, const Device& dev, const SyntheticMessage& m, std::int64_t time_ns) {
  std::string& p = scratch_;
  p.clear();
  p += "{\"d\":{";
  for (std::size_t k = 0; k < sorted_metrics_.size(); ++k) {
    std::size_t i = sorted_metrics_[k];
    if (k) p += ',';
    p += canonical_keys_[i];
    p += ":{\"q\":";
    append_int(p, quality_[i]);
    p += ",\"v\":";
    sign::append_python_float(p, values_[i]);
    p += '}';
  }
  p += "},\"device_id\":\"";
  p += dev.id;
  p += "\",\"msg_id\":\"";
  p.append(m.msg_id, 26);
  p += "\",\"seq\":";
  append_int(p, m.seq);
  p += ",\"ts\":";
  append_int(p, time_ns / 1000000000);
  p += ",\"ts_ns\":";
  append_int(p, time_ns % 1000000000);
  p += '}';
  sign::Digest digest = sign::hmac_sha256(key_, p);
  line += "{\"hmac\":\"";
  line += codec::base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  line += "\",\"payload\":";
  line += p;
  line += '}';
}

}  // namespace iot::replay
