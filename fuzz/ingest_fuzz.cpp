// iot-ingest's line path (envelope -> route -> signature -> normalizer ->
// rows) over arbitrary lines, with routes of every kind: never crashes, and
// every row it would store has a device, a metric, a finite value or null,
// no NUL, and tags that are a JSON object.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "iot-ingest/line_rows.hpp"

namespace {

// Routes of every kind, as a registry file writes them.
constexpr const char* fuzz_registry = R"toml(
[[route]]
pattern = "alarms/#"
kind = "alarm"

[[route]]
pattern = "i/{tenant}/a/{agent}/state"
kind = "state"
device = "{agent}"
channel = "tenant:{{{tenant}}}:device:{agent}:state"

[[route]]
pattern = "i/{tenant}/a/{agent}/metrics"
kind = "metrics"
device = "{agent}"
channel = "m:{agent}"
store = true

[[route]]
pattern = "i/{tenant}/a/{agent}/events/{type}"
kind = "event"

[[route]]
pattern = "i/{tenant}/a/{agent}/logs/{container}"
kind = "log"
stream = "logs:{tenant}"
max_len = 10
store = true

[[route]]
pattern = "i/{tenant}/a/{agent}/jobs/{job_id}/update"
kind = "job"

[[route]]
pattern = "i/{tenant}/a/{agent}/jobs/start-next"
kind = "job_request"

[[route]]
pattern = "actions/{device}/{action}"
kind = "action"

[[route]]
pattern = "plant/{site}/flat"
shape = "flat"
table = "flat_readings"
[route.keymap]
ti = "temp_inlet_c"
p = "pressure_bar"
[route.tags]
site = "{site}"
fw = "{v}"

[[route]]
pattern = "FCTS/FAE/{site}/SolvExtract/{pi_tag}"
shape = "kpi"
device = "{pi_tag}"
[route.tags]
site = "plant-{site}"

[[route]]
pattern = "sensors/{room}/{sensor}"
shape = "signed"
device = "{sensor}"
key_file = "ingest-fuzz.key"

[[route]]
pattern = "#"
)toml";

const iot::registry::RouteEngine& routes() {
  static const iot::registry::RouteEngine* r = [] {
    // The signed route requires signatures with the key its key file holds.
    iot::registry::ParseOptions options;
    options.base_dir = std::filesystem::temp_directory_path();
    std::ofstream(options.base_dir / "ingest-fuzz.key") << "fuzz-key\n";
    auto parsed = iot::registry::Registry::parse(fuzz_registry, options);
    if (!parsed) abort();
    return new iot::registry::RouteEngine(iot::registry::RouteDefaults{}, std::move(*parsed));
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
  auto rows = iot::ingest::line_rows(*env, routes());
  if (!rows) {
    if (rows.error().reason.empty()) abort();  // every reject has a reason for the DLQ
    return 0;
  }
  if (rows->kind) {  // a kind record: what its table requires is there
    for (const auto& r : rows->kind->records) {
      if (r.msg_id.empty() || r.device_id.empty()) abort();
      const auto values = iot::store::record_values(r);
      const auto& columns = iot::store::record_table(r.table).columns;
      for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].required && !values[i]) abort();
    }
    for (const auto& n : rows->kind->notices)
      if (n.key.empty()) abort();
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
