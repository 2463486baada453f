// The device table loaders (iot-ingest --devices) over arbitrary text, as
// CSV and as NDJSON: never crash; what they accept is a table whose tags
// render as JSON objects and whose lookups answer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "devices/csv.hpp"
#include "devices/device_table.hpp"
#include "devices/tag_merge.hpp"

namespace {

void check(const iot::Result<iot::devices::DeviceTable>& table, std::string_view text) {
  if (!table.ok()) {
    const auto& e = table.error();
    if (e.kind != iot::ErrorKind::bad_input || (e.reason != "bad_devices" && e.reason != "bad_csv")) abort();
    return;
  }
  // Probe with pieces of the input as device ids and metrics.
  for (std::size_t cut = 0; cut <= text.size() && cut < 64; cut += 7) {
    std::string id(text.substr(0, cut));
    const iot::devices::DeviceInfo* d = table->find(id);
    if (!d) continue;
    const std::string& json = d->tags_json_for(id);
    if (!json.empty() && (json.front() != '{' || json.back() != '}')) abort();
    auto merged = iot::devices::merged_tags_json(*d, id, {{"site", "x"}}, {});
    if (!merged.ok() || merged->empty()) abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 16)) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto records = iot::devices::parse_csv(text);
  if (records.ok()) {
    for (const auto& r : *records)
      if (r.empty()) abort();  // a record has at least one field
  }
  check(iot::devices::table_from_csv(text, "fuzz.csv"), text);
  check(iot::devices::table_from_ndjson(text, "fuzz.ndjson"), text);
  return 0;
}
