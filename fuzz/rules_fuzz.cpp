// parse_rules over arbitrary text (iot-rules(5)): never crashes; an error is
// a usage error; what it accepts holds rules that each have a check, limits
// in order and durations above zero, with unique names. The accepted rules
// then evaluate a few messages (rules/evaluator.hpp) and render their
// alarms (rules/alarm_envelope.hpp) without trouble.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rules/alarm_envelope.hpp"
#include "rules/evaluator.hpp"
#include "rules/rules_file.hpp"

namespace {

iot::telemetry::Message message(std::string device, std::int64_t t_ns, double value, int quality) {
  iot::telemetry::Message m;
  m.device_id = device;
  m.time_ns = t_ns;
  for (const char* metric : {"temp_inlet_c", "pressure_bar", "x"})
    m.readings.push_back({t_ns, device, metric, value, quality, ""});
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 14)) return 0;
  auto set = iot::rules::parse_rules(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
  if (!set.ok()) {
    if (set.error().kind != iot::ErrorKind::usage) abort();
    return 0;
  }
  if (set->rules.empty()) abort();
  std::set<std::string> names;
  for (const auto& r : set->rules) {
    if (r.checks().empty() || r.name.empty() || !names.insert(r.name).second) abort();
    if (r.device.empty() || r.metric.empty()) abort();
    if (r.min.has_value() != r.max.has_value() || (r.min && !(*r.min < *r.max))) abort();
    for (auto d : {r.stuck_ns, r.silence_ns, r.bad_quality_ns})
      if (d && *d <= 0) abort();
    if (r.rate && !(*r.rate > 0)) abort();
    if (r.clear_after_ns < 0 || r.epsilon < 0) abort();
  }
  iot::rules::Evaluator evaluator(std::move(*set));
  auto renderer = iot::rules::AlarmRenderer::create(iot::rules::default_alarm_topic, 1);
  if (!renderer.ok()) abort();
  std::vector<iot::rules::AlarmEvent> events;
  const double values[] = {1, 1, 1e9, -1e9, 0, std::numeric_limits<double>::max(), 1};
  std::int64_t t = 0;
  for (double v : values) {
    for (const char* device : {"P-0001", "Q"}) {
      auto m = message(device, t, v, t % 3 ? 192 : 0);
      evaluator.advance(t, events);
      evaluator.observe(m, t, events);
    }
    t += 7'000'000'000'000;  // two hours: past any short silence or stuck time
  }
  // Timestamps from hostile data: the far ends of the clock.
  for (std::int64_t extreme : {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min(),
                               std::int64_t(0)}) {
    evaluator.advance(extreme, events);
    evaluator.observe(message("P-0001", extreme, 5, 0), extreme, events);
  }
  for (const auto& e : events) {
    std::string line = renderer->render(e);
    if (line.empty() || line.find("\"kind\":\"alarm\"") == std::string::npos) abort();
  }
  return 0;
}
