// Alarm envelopes (iot-stream(5), ALARMS): each raise and clear as one
// stream line, {"topic", "payload": {"kind":"alarm", ...}, "qos":1}, with a
// fresh ULID msg_id and "priority":"high" so that iot-pub sends it ahead of
// normal data.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "rules/evaluator.hpp"
#include "topic/pattern.hpp"
#include "ulid/ulid.hpp"

namespace iot::rules {

// The default of iot-verify --alarm-topic.
inline constexpr std::string_view default_alarm_topic = "alarms/{device_id}/{rule}/{check}";

class AlarmRenderer {
 public:
  // topic_template may use {device_id}, {metric}, {rule}, {check} and
  // {state}; any other name is a usage error.
  static Result<AlarmRenderer> create(std::string_view topic_template, std::uint64_t seed = 0);
  // One line, no newline. A value holding '/', '+', '#' or NUL (or empty)
  // goes into the topic with those bytes as '_', so every alarm has a topic.
  std::string render(const AlarmEvent& event);

 private:
  AlarmRenderer(topic::TopicTemplate topic, std::uint64_t seed) : topic_(std::move(topic)), ids_(seed) {}
  topic::TopicTemplate topic_;
  ulid::Generator ids_;
};

}  // namespace iot::rules
