#include "rules/alarm_envelope.hpp"

#include <fmt/format.h>

#include <optional>

#include "codec/json_text.hpp"
#include "stream/envelope.hpp"

namespace iot::rules {
namespace {

constexpr std::string_view kNames[] = {"device_id", "metric", "rule", "check", "state"};

std::string topic_level(std::string_view value) {
  if (value.empty()) return "_";
  std::string out(value);
  for (char& c : out)
    if (c == '/' || c == '+' || c == '#' || c == '\0') c = '_';
  return out;
}

void add_string(std::string& out, std::string_view key, std::string_view value) {
  fmt::format_to(std::back_inserter(out), ",\"{}\":", key);
  // Device ids and metrics come from parsed JSON, rule names from TOML:
  // all valid UTF-8, so this cannot fail.
  (void)codec::append_json_string(out, value);
}

// Floor division, safe at the ends of the range.
std::int64_t ms(std::int64_t ns) { return ns / 1000000 - (ns % 1000000 < 0 ? 1 : 0); }

}  // namespace

Result<AlarmRenderer> AlarmRenderer::create(std::string_view topic_template, std::uint64_t seed) {
  auto tpl = topic::TopicTemplate::parse(topic_template);
  if (!tpl) return make_error(ErrorKind::usage, "usage", "--alarm-topic: " + tpl.error().message);
  for (const auto& name : tpl->names()) {
    bool known = false;
    for (auto k : kNames) known = known || name == k;
    if (!known)
      return make_error(ErrorKind::usage, "usage",
                        "--alarm-topic: unknown name {" + name + "} (device_id, metric, rule, check, state)");
  }
  return AlarmRenderer(std::move(*tpl), seed);
}

std::string AlarmRenderer::render(const AlarmEvent& e) {
  std::string_view check = check_name(e.check);
  std::string_view state = e.raise ? "raise" : "clear";
  auto topic = topic_.fill([&](std::string_view name) -> std::optional<std::string> {
    if (name == "device_id") return topic_level(e.device_id);
    if (name == "metric") return topic_level(e.metric);
    if (name == "rule") return topic_level(e.rule->name);
    if (name == "check") return topic_level(check);
    if (name == "state") return std::string(state);
    return std::nullopt;
  });
  std::string topic_text = topic ? std::move(*topic) : std::string("alarms");
  std::string payload = "{\"kind\":\"alarm\"";
  add_string(payload, "msg_id", ids_.next(std::uint64_t(std::max<std::int64_t>(0, ms(e.time_ns)))));
  add_string(payload, "priority", "high");
  add_string(payload, "state", state);
  add_string(payload, "rule", e.rule->name);
  add_string(payload, "check", check);
  add_string(payload, "device_id", e.device_id);
  add_string(payload, "metric", e.metric);
  if (e.value) fmt::format_to(std::back_inserter(payload), ",\"value\":{}", *e.value);
  else payload += ",\"value\":null";
  fmt::format_to(std::back_inserter(payload), ",\"since\":{},\"ts\":{}", ms(e.since_ns), ms(e.time_ns));
  add_string(payload, "detail", e.detail);
  payload += '}';
  stream::EnvelopeOut out;
  out.topic = topic_text;
  out.payload_json = payload;
  out.qos = 1;
  return stream::render_envelope(out);
}

}  // namespace iot::rules
