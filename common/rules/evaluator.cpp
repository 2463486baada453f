#include "rules/evaluator.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/duration.hpp"
#include "core/glob.hpp"

namespace iot::rules {
namespace {

std::string seconds_text(std::int64_t ns) { return format_duration(double(ns) * 1e-9); }

std::string raise_detail(CheckKind check, const Rule& rule, const Sample& s, const Condition& c) {
  switch (check) {
    case CheckKind::range:
      return *s.value < *rule.min ? fmt::format("{} below min {}", *s.value, *rule.min)
                                  : fmt::format("{} above max {}", *s.value, *rule.max);
    case CheckKind::rate: return fmt::format("changed {:.6g}/s, over {}/s", c.measure, *rule.rate);
    case CheckKind::stuck:
      return fmt::format("unchanged (within {}) for {}", rule.epsilon, seconds_text(sub_sat(s.time_ns, c.since_ns)));
    case CheckKind::bad_quality:
      return fmt::format("quality {} (bad) for {}", s.quality, seconds_text(sub_sat(s.time_ns, c.since_ns)));
    case CheckKind::silence: break;
  }
  return {};
}

}  // namespace

Evaluator::Evaluator(RuleSet rules, std::size_t max_series) : rules_(std::move(rules)), max_series_(max_series) {
  for (const auto& r : rules_.rules)
    if (r.silence_ns) has_silence_ = true;
}

std::optional<std::int64_t> Evaluator::message_time(const telemetry::Message& m) {
  if (m.time_ns) return m.time_ns;
  std::optional<std::int64_t> latest;
  for (const auto& r : m.readings)
    if (!latest || r.time_ns > *latest) latest = r.time_ns;
  return latest;
}

const std::vector<std::uint32_t>* Evaluator::rules_for_device(std::string_view device) {
  auto it = device_rules_.find(std::string(device));
  if (it != device_rules_.end()) return &it->second;
  if (device_rules_.size() >= max_series_) return nullptr;
  std::vector<std::uint32_t> list;
  for (std::uint32_t i = 0; i < rules_.rules.size(); ++i)
    if (glob_matches(rules_.rules[i].device, device)) list.push_back(i);
  return &device_rules_.emplace(std::string(device), std::move(list)).first->second;
}

const std::vector<std::uint32_t>* Evaluator::rules_for_metric(std::string_view metric) {
  auto it = metric_rules_.find(std::string(metric));
  if (it != metric_rules_.end()) return &it->second;
  if (metric_rules_.size() >= max_series_) return nullptr;
  std::vector<std::uint32_t> list;
  for (std::uint32_t i = 0; i < rules_.rules.size(); ++i)
    if (glob_matches(rules_.rules[i].metric, metric)) list.push_back(i);
  return &metric_rules_.emplace(std::string(metric), std::move(list)).first->second;
}

void Evaluator::emit(std::vector<AlarmEvent>& out, Transition t, const Rule& rule, CheckKind check,
                     std::string_view device, std::string_view metric, std::optional<double> value,
                     std::int64_t since_ns, std::int64_t time_ns, std::string detail) {
  if (t == Transition::none) return;
  bool raise = t == Transition::raise;
  ++(raise ? raised_ : cleared_);
  out.push_back(AlarmEvent{&rule, check, std::string(device), std::string(metric), raise, value, since_ns, time_ns,
                           raise ? std::move(detail) : std::string("cleared")});
}

void Evaluator::check_reading(const telemetry::Reading& reading, std::string_view device,
                              std::vector<AlarmEvent>& out) {
  key_.assign(device);
  key_ += '\x1f';
  key_ += reading.metric;
  auto it = series_.find(key_);
  if (it == series_.end()) {
    const auto* by_device = rules_for_device(device);
    const auto* by_metric = rules_for_metric(reading.metric);
    if (!by_device || !by_metric || series_.size() >= max_series_) {
      ++untracked_;
      return;
    }
    std::vector<ReadingAlarm> alarms;
    for (std::uint32_t index : *by_metric) {
      if (!std::binary_search(by_device->begin(), by_device->end(), index)) continue;
      for (CheckKind check : rules_.rules[index].checks())
        if (check != CheckKind::silence) alarms.push_back(ReadingAlarm{index, check, {}, {}});
    }
    it = series_.emplace(key_, std::move(alarms)).first;
  }
  if (it->second.empty()) return;
  Sample sample{reading.time_ns, reading.value, reading.quality};
  for (ReadingAlarm& a : it->second) {
    const Rule& rule = rules_.rules[a.rule];
    Condition c = evaluate(a.check, rule, a.condition, sample);
    if (!c.known) continue;
    Transition t = step(a.alarm, c.active, c.since_ns, sample.time_ns, rule.clear_after_ns);
    if (t == Transition::none) continue;
    // A clear carries the since of the alarm it ends (step() keeps it).
    emit(out, t, rule, a.check, device, reading.metric, reading.value, a.alarm.since_ns, sample.time_ns,
         t == Transition::raise ? raise_detail(a.check, rule, sample, c) : std::string());
  }
}

void Evaluator::hear(std::uint32_t index, std::string_view device, std::int64_t seen_ns,
                     std::vector<AlarmEvent>& out) {
  const Rule& rule = rules_.rules[index];
  key_.clear();
  fmt::format_to(std::back_inserter(key_), "{}\x1f{}", index, device);
  if (silences_.size() >= max_series_ && !silences_.count(key_)) {
    ++untracked_;
    return;
  }
  auto [it, fresh] = silences_.try_emplace(key_);
  SilenceAlarm& s = it->second;
  if (fresh) {
    s.rule = index;
    s.device_id = std::string(device);
  } else {
    deadlines_.erase({s.deadline_ns, &s});
    if (seen_ns < s.last_seen_ns) seen_ns = s.last_seen_ns;  // a late message does not move the clock back
  }
  if (s.alarm.raised) {
    std::int64_t since = s.alarm.since_ns;
    Transition t = step(s.alarm, false, 0, seen_ns, rule.clear_after_ns);
    emit(out, t, rule, CheckKind::silence, device, rule.metric, std::nullopt, since, seen_ns, {});
  }
  s.last_seen_ns = seen_ns;
  s.deadline_ns = add_sat(seen_ns, *rule.silence_ns);
  if (!s.alarm.raised) deadlines_.insert({s.deadline_ns, &s});
}

void Evaluator::observe(const telemetry::Message& m, std::int64_t seen_ns, std::vector<AlarmEvent>& out) {
  const std::string& device = m.device_id;
  if (device.empty()) return;
  if (has_silence_) {
    const auto* by_device = rules_for_device(device);
    if (!by_device) ++untracked_;
    for (std::uint32_t index : by_device ? *by_device : std::vector<std::uint32_t>{}) {
      const Rule& rule = rules_.rules[index];
      if (!rule.silence_ns) continue;
      // A silence rule hears a device through the metrics it names; "*" hears every message.
      bool heard = rule.metric == "*";
      for (std::size_t i = 0; !heard && i < m.readings.size(); ++i)
        heard = glob_matches(rule.metric, m.readings[i].metric);
      if (heard) hear(index, device, seen_ns, out);
    }
  }
  for (const auto& reading : m.readings) check_reading(reading, reading.device_id.empty() ? device : reading.device_id, out);
}

void Evaluator::advance(std::int64_t now_ns, std::vector<AlarmEvent>& out) {
  while (!deadlines_.empty() && deadlines_.begin()->first <= now_ns) {
    SilenceAlarm* s = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    const Rule& rule = rules_.rules[s->rule];
    Transition t = step(s->alarm, true, s->last_seen_ns, now_ns, rule.clear_after_ns);
    emit(out, t, rule, CheckKind::silence, s->device_id, rule.metric, std::nullopt, s->last_seen_ns, now_ns,
         fmt::format("no reading for {}", seconds_text(sub_sat(now_ns, s->last_seen_ns))));
  }
}

}  // namespace iot::rules
