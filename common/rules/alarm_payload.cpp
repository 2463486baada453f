#include "rules/alarm_payload.hpp"

#include <string>

namespace iot::rules {
namespace {

Error schema(std::string message) { return make_error(ErrorKind::bad_input, "schema", "alarm: " + message); }

}  // namespace

bool is_alarm_payload(simdjson::dom::element payload) {
  std::string_view kind;
  return payload.is_object() && payload["kind"].get(kind) == simdjson::SUCCESS && kind == "alarm";
}

Result<AlarmPayload> read_alarm_payload(simdjson::dom::element payload) {
  simdjson::dom::object o;
  if (payload.get(o) != simdjson::SUCCESS) return schema("not an object");
  AlarmPayload a;
  for (auto [key, field] : {std::pair{"msg_id", &a.msg_id}, std::pair{"state", &a.state}, std::pair{"rule", &a.rule},
                            std::pair{"check", &a.check}, std::pair{"device_id", &a.device_id},
                            std::pair{"metric", &a.metric}}) {
    if (o[key].get(*field) != simdjson::SUCCESS) return schema(std::string(key) + ": missing or not a string");
    if (field->empty()) return schema(std::string(key) + ": empty");
  }
  std::string_view detail;
  if (o["detail"].get(detail) == simdjson::SUCCESS) a.detail = detail;
  if (a.state != "raise" && a.state != "clear") return schema("state: expected raise or clear");
  bool known = false;
  for (std::string_view c : {"range", "stuck", "rate", "silence", "bad_quality"}) known = known || a.check == c;
  if (!known) return schema("check: expected range, stuck, rate, silence or bad_quality");
  for (auto [key, field] : {std::pair{"since", &a.since_ms}, std::pair{"ts", &a.ts_ms}})
    if (o[key].get(*field) != simdjson::SUCCESS) return schema(std::string(key) + ": missing or not an integer");
  simdjson::dom::element value;
  if (o["value"].get(value) != simdjson::SUCCESS) return schema("value: missing (null when there is none)");
  if (!value.is_null()) {
    double v;
    if (value.get(v) != simdjson::SUCCESS) return schema("value: not a number");
    a.value = v;
  }
  return a;
}

}  // namespace iot::rules
