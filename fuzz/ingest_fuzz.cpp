// iot-ingest's line path (envelope -> route -> signature -> normalizer ->
// rows) over arbitrary lines, with routes of every kind: never crashes, and
// every row it would store has a device, a metric, a finite value or null,
// no NUL, and tags that are a JSON object.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "iot-ingest/line_rows.hpp"

namespace {

const iot::ingest::Router& router() {
  static const iot::ingest::Router* r = [] {
    using iot::ingest::Route;
    iot::ingest::Route fallback;
    auto* router = new iot::ingest::Router(fallback);
    Route flat;
    flat.shape = iot::telemetry::Shape::flat;
    flat.keymap = {{"ti", "temp_inlet_c"}, {"p", "pressure_bar"}};
    flat.tags = {{"site", "{site}"}, {"fw", "{v}"}};
    flat.table = "flat_readings";
    if (!router->add("plant/{site}/flat", flat)) abort();
    Route kpi;
    kpi.shape = iot::telemetry::Shape::kpi;
    kpi.device_template = "{pi_tag}";
    kpi.tags = {{"site", "plant-{site}"}};
    if (!router->add("FCTS/FAE/{site}/SolvExtract/{pi_tag}", kpi)) abort();
    Route signed_route;
    signed_route.shape = iot::telemetry::Shape::signed_envelope;
    signed_route.key = std::string("fuzz-key");
    signed_route.device_template = "{sensor}";
    if (!router->add("sensors/{room}/{sensor}", signed_route)) abort();
    Route any;
    if (!router->add("#", any)) abort();
    return router;
  }();
  return *r;
}

bool has_nul(const std::string& s) { return s.find('\0') != std::string::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 16)) return 0;
  static iot::stream::EnvelopeParser parser;
  auto env = parser.parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!env) return 0;
  auto rows = iot::ingest::line_rows(*env, router(), std::nullopt);
  if (!rows) {
    if (rows.error().reason.empty()) abort();  // every reject has a reason for the DLQ
    return 0;
  }
  static simdjson::dom::parser tags_parser;
  for (const auto& m : rows->messages) {
    for (const auto& r : m.rows) {
      if (r.device_id.empty() || r.metric.empty()) abort();
      if (r.value && !std::isfinite(*r.value)) abort();
      if (has_nul(r.device_id) || has_nul(r.metric) || has_nul(r.unit)) abort();
      if (!r.tags_json.empty()) {
        simdjson::dom::element tags;
        if (tags_parser.parse(r.tags_json).get(tags) || !tags.is_object()) abort();
      }
    }
  }
  return 0;
}
