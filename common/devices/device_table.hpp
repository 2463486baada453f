// The device table of iot-ingest --devices (iot-ingest(1), ENRICHMENT):
// device_id -> the device's other columns, stored with each of its readings
// as tags. A column named unit.METRIC applies to that metric only. Built
// once per load and then only read, so one table can be shared with the
// thread that replaces it on a reload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "core/shared_text.hpp"

namespace iot::devices {

using Tag = std::pair<std::string, std::string>;

struct DeviceInfo {
  std::vector<Tag> tags;   // sorted by name, no empty values, never device_id
  std::vector<Tag> units;  // metric -> unit, sorted by metric (the unit.METRIC columns)
  // The tags rendered as a JSON object: tags alone, and tags plus "unit" for
  // each metric of `units` (same order). Rendered once at load: most
  // readings carry no tags of their own, so this is what they store, each
  // row a reference to it rather than a copy.
  SharedText tags_json;
  std::vector<SharedText> unit_tags_json;

  // The index in `units` of metric's unit.METRIC, or units.size() when none.
  std::size_t unit_index(std::string_view metric) const;
  // The unit.METRIC value for metric, or nullptr.
  const std::string* unit_of(std::string_view metric) const;
  // tags_json, or the unit variant for metric.
  const SharedText& tags_json_for(std::string_view metric) const;
  // The same two by unit_index().
  const std::string* unit_at(std::size_t index) const { return index < units.size() ? &units[index].second : nullptr; }
  const SharedText& tags_json_at(std::size_t index) const {
    return index < unit_tags_json.size() ? unit_tags_json[index] : tags_json;
  }
};

class DeviceTable {
 public:
  // Adds one device from its columns (name, value) other than device_id;
  // empty values are left out. Errors: bad_input "bad_devices" naming
  // `where` (an empty or repeated device_id, an empty or repeated column
  // name, "unit." without a metric, text that is not UTF-8).
  Status add(std::string device_id, std::vector<Tag> columns, std::string_view where);
  const DeviceInfo* find(std::string_view device_id) const;
  std::size_t size() const { return ids_.size(); }

 private:
  // An open-addressing index over the devices, at most half full: a slot
  // holds the upper half of the id's hash and the device's index + 1 (0: a
  // free slot), so that a lookup reads one slot and one id, and never the
  // id of another device. The ingest loop looks a device up for each
  // message, and a node-based map cost it three cache misses each time.
  void index(std::size_t device, std::uint64_t hash);
  std::vector<std::string> ids_;
  std::vector<DeviceInfo> infos_;  // same order as ids_
  std::vector<std::uint64_t> slots_;
};

// A table from a header and records of the same width (CSV, a database
// table): the column "device_id" is the key. `source` names the input in
// errors ("devices.csv", "table:devices"); records count from line 2.
Result<DeviceTable> table_from_records(const std::vector<std::string>& header,
                                       const std::vector<std::vector<std::string>>& records, std::string_view source);
// CSV text with a header line. Errors: bad_input "bad_devices" or "bad_csv".
Result<DeviceTable> table_from_csv(std::string_view text, std::string_view source);
// NDJSON: one object a line with a string "device_id"; other members are
// strings, numbers or booleans (null: left out), or an object of those one
// level deep whose members become NAME.MEMBER ("unit": {"temp_c": "degC"}
// is the column unit.temp_c). Errors: bad_input "bad_devices".
Result<DeviceTable> table_from_ndjson(std::string_view text, std::string_view source);
// A file: NDJSON when it ends in .ndjson, .jsonl or .json or its first
// non-blank byte is '{', CSV otherwise. Errors: io "devices_open", and the
// parsers' errors.
Result<DeviceTable> load_table_file(const std::string& path);

}  // namespace iot::devices
