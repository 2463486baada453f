// Rule evaluation over a stream of messages (iot-rules(5)): every reading of
// a valid message goes through the checks of the rules whose device and
// metric globs match it, and each check keeps one alarm per device and
// metric (silence: per device). Raises and clears come out as AlarmEvents in
// the order they happen. Not thread-safe: one caller at a time.
//
// Silence runs on a clock the caller moves with advance(): the stream's
// clock (the latest message time seen) or the wall clock (iot-verify --live).
// A device's silence alarm raises when the clock passes its last message by
// the rule's silence, and clears with its next message.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/relaxed.hpp"
#include "rules/conditions.hpp"
#include "rules/hysteresis.hpp"
#include "rules/rule.hpp"
#include "telemetry/reading.hpp"

namespace iot::rules {

struct AlarmEvent {
  const Rule* rule = nullptr;
  CheckKind check = CheckKind::range;
  std::string device_id;
  std::string metric;          // silence: the rule's metric glob
  bool raise = true;           // false: clear
  std::optional<double> value;  // the reading that raised or cleared it (silence: none)
  std::int64_t since_ns = 0;   // when the condition began
  std::int64_t time_ns = 0;    // when it was raised or cleared
  std::string detail;          // for people: what was seen
};

class Evaluator {
 public:
  // Memory stays bounded on an endless stream of new names: at most
  // max_series device-metric pairs (and as many devices and metric names)
  // are tracked; readings beyond that are skipped and counted (untracked()).
  static constexpr std::size_t default_max_series = 1'000'000;
  explicit Evaluator(RuleSet rules, std::size_t max_series = default_max_series);

  // A valid message. seen_ns is when silence counts it as heard: its
  // message_time() on the stream clock, the arrival time with --live.
  void observe(const telemetry::Message& message, std::int64_t seen_ns, std::vector<AlarmEvent>& out);
  // The clock is now at now_ns: silences past their deadline raise.
  void advance(std::int64_t now_ns, std::vector<AlarmEvent>& out);
  // The time of a message on the stream clock: its own time, else its
  // latest reading's; none when it has neither.
  static std::optional<std::int64_t> message_time(const telemetry::Message& message);

  const RuleSet& rules() const { return rules_; }
  bool has_silence() const { return has_silence_; }
  std::uint64_t raised() const { return raised_; }
  std::uint64_t cleared() const { return cleared_; }
  std::uint64_t untracked() const { return untracked_; }

 private:
  // One check of one rule on one device and metric.
  struct ReadingAlarm {
    std::uint32_t rule = 0;
    CheckKind check = CheckKind::range;
    ConditionState condition;
    AlarmState alarm;
  };
  struct SilenceAlarm {
    std::uint32_t rule = 0;
    std::string device_id;
    AlarmState alarm;
    std::int64_t last_seen_ns = 0;
    std::int64_t deadline_ns = 0;
  };

  // Null when the device or metric is new and the caches are full.
  const std::vector<std::uint32_t>* rules_for_device(std::string_view device);
  const std::vector<std::uint32_t>* rules_for_metric(std::string_view metric);
  void check_reading(const telemetry::Reading& reading, std::string_view device, std::vector<AlarmEvent>& out);
  void hear(std::uint32_t rule, std::string_view device, std::int64_t seen_ns, std::vector<AlarmEvent>& out);
  void emit(std::vector<AlarmEvent>& out, Transition t, const Rule& rule, CheckKind check, std::string_view device,
            std::string_view metric, std::optional<double> value, std::int64_t since_ns, std::int64_t time_ns,
            std::string detail);

  RuleSet rules_;
  bool has_silence_ = false;
  std::unordered_map<std::string, std::vector<std::uint32_t>> device_rules_, metric_rules_;
  // Per device and metric ("device\x1fmetric"): every check that watches
  // it, found once, so a reading costs one lookup however many rules there are.
  std::unordered_map<std::string, std::vector<ReadingAlarm>> series_;
  std::unordered_map<std::string, SilenceAlarm> silences_;
  std::set<std::pair<std::int64_t, SilenceAlarm*>> deadlines_;
  std::string key_;  // reused
  std::size_t max_series_;
  Count raised_ = 0, cleared_ = 0;  // also read by iot-verify's --metrics-listen (core/relaxed.hpp)
  std::uint64_t untracked_ = 0;
};

}  // namespace iot::rules
