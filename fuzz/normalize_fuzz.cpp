// The normalizer over arbitrary JSON: never crashes, and what it accepts is
// well formed (every reading names a device and a metric; reading times are
// the message time; schema errors carry the reason "schema").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "telemetry/field_template.hpp"
#include "telemetry/normalize.hpp"

namespace {

using namespace iot::telemetry;

void check(const iot::Result<std::vector<Message>>& result) {
  if (!result.ok()) {
    if (result.error().reason != "schema") abort();
    return;
  }
  for (const Message& m : *result) {
    if (m.device_id.empty() || !m.time_ns) abort();
    for (const Reading& r : m.readings) {
      if (r.device_id != m.device_id || r.metric.empty() || r.time_ns != *m.time_ns) abort();
      if (r.quality != quality::good && r.quality != quality::bad && r.quality != quality::uncertain) abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 16)) return 0;
  static simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(reinterpret_cast<const char*>(data), size).get(root)) return 0;
  static const std::map<std::string, std::string> fields{{"site", "CMX"}, {"pi_tag", "SX101_PV"}, {"sensor", "th-1"}};
  static const std::map<std::string, std::string> keymap{{"ti", "temp_inlet_c"}, {"p", "pressure_bar"}};
  (void)detect_shape(root);
  (void)parse_timestamp_ns(root);
  (void)parse_quality(root);
  NormalizeContext automatic;
  automatic.topic = "sensors/lab/th-1";
  check(normalize(root, automatic));
  NormalizeContext routed = automatic;
  routed.fields = &fields;
  routed.keymap = &keymap;
  routed.device_template = "{sensor}-{device_id}";
  routed.metric_template = "{site}.{metric}";
  for (Shape shape : {Shape::automatic, Shape::nested, Shape::flat, Shape::signed_envelope, Shape::kpi, Shape::batch}) {
    routed.shape = shape;
    check(normalize(root, routed));
  }
  simdjson::dom::object object;
  if (!root.get_object().get(object)) {
    TemplateValues values{&fields, &object, "metric", "m"};
    (void)expand_template("{site}/{sensor_id}/{metric}/{value}", values);
  }
  return 0;
}
