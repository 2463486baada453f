#include "devices/device_table.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

#include "codec/json_text.hpp"
#include "devices/csv.hpp"

namespace iot::devices {
namespace {

Error table_error(std::string_view where, const std::string& what) {
  return make_error(ErrorKind::bad_input, "bad_devices", std::string(where) + ": " + what);
}

constexpr std::string_view kUnitPrefix = "unit.";
constexpr std::uint64_t kHashHalf = 0xFFFFFFFF00000000ULL;  // the slot's part of a hash; the rest is an index

std::uint64_t hash_of(std::string_view id) { return std::hash<std::string_view>{}(id); }

// One member of a tags object, "name":"value", escaped.
Result<std::string> json_member(std::string_view name, std::string_view value) {
  std::string out;
  out.reserve(name.size() + value.size() + 5);
  if (auto st = codec::append_json_string(out, name); !st) return st.error();
  out += ':';
  if (auto st = codec::append_json_string(out, value); !st) return st.error();
  return out;
}

// The tags object of a device: its members in name order (each escaped
// once, for every unit variant), with "unit" in its place when `unit` is
// given; "" without any member.
std::string render(const std::vector<Tag>& tags, const std::vector<std::string>& members, const std::string* unit_member) {
  std::size_t size = 2 + (unit_member ? unit_member->size() + 1 : 0);
  for (const auto& m : members) size += m.size() + 1;
  std::string out;
  out.reserve(size);
  out += '{';
  auto put = [&](const std::string& member) {
    if (out.size() > 1) out += ',';
    out += member;
  };
  bool unit_done = unit_member == nullptr;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (!unit_done && tags[i].first >= "unit") {
      unit_done = true;
      put(*unit_member);
      if (tags[i].first == "unit") continue;  // unit.METRIC is the more particular: it wins for its metric
    }
    put(members[i]);
  }
  if (!unit_done) put(*unit_member);
  if (out.size() == 1) return std::string();  // no tags: the column stays empty, as without --devices
  out += '}';
  return out;
}

std::string number_text(simdjson::dom::element e) {
  if (e.is_int64()) return std::to_string(e.get_int64().value());
  if (e.is_uint64()) return std::to_string(e.get_uint64().value());
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, e.get_double().value());
  return ec == std::errc() ? std::string(buffer, end) : std::string();
}

// One member of an NDJSON object as a column value: false when it is not a
// scalar. A null gives an empty value (left out).
bool scalar_text(simdjson::dom::element e, std::string& out) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING: out = std::string(e.get_string().value()); return true;
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE: out = number_text(e); return true;
    case simdjson::dom::element_type::BOOL: out = e.get_bool().value() ? "true" : "false"; return true;
    case simdjson::dom::element_type::NULL_VALUE: out.clear(); return true;
    default: return false;
  }
}

}  // namespace

std::size_t DeviceInfo::unit_index(std::string_view metric) const {
  if (units.empty()) return 0;
  auto it = std::lower_bound(units.begin(), units.end(), metric,
                             [](const Tag& t, std::string_view n) { return std::string_view(t.first) < n; });
  return it != units.end() && it->first == metric ? static_cast<std::size_t>(it - units.begin()) : units.size();
}

const std::string* DeviceInfo::unit_of(std::string_view metric) const { return unit_at(unit_index(metric)); }

const SharedText& DeviceInfo::tags_json_for(std::string_view metric) const { return tags_json_at(unit_index(metric)); }

Status DeviceTable::add(std::string device_id, std::vector<Tag> columns, std::string_view where) {
  if (device_id.empty()) return table_error(where, "empty device_id");
  if (!codec::is_valid_utf8(device_id)) return table_error(where, "device_id is not UTF-8");
  if (find(device_id)) return table_error(where, "device_id " + device_id + " appears twice");
  DeviceInfo info;
  for (auto& [name, value] : columns) {
    if (name.empty()) return table_error(where, "a column without a name");
    if (name == "device_id") return table_error(where, "device_id given twice");
    if (!codec::is_valid_utf8(name) || !codec::is_valid_utf8(value))
      return table_error(where, "column " + name + " is not UTF-8");
    if (value.empty()) continue;
    if (name.compare(0, kUnitPrefix.size(), kUnitPrefix) == 0) {
      if (name.size() == kUnitPrefix.size()) return table_error(where, "column unit. names no metric");
      info.units.emplace_back(name.substr(kUnitPrefix.size()), std::move(value));
    } else {
      info.tags.emplace_back(std::move(name), std::move(value));
    }
  }
  auto by_name = [](const Tag& a, const Tag& b) { return a.first < b.first; };
  auto same_name = [](const Tag& a, const Tag& b) { return a.first == b.first; };
  std::sort(info.tags.begin(), info.tags.end(), by_name);
  std::sort(info.units.begin(), info.units.end(), by_name);
  if (auto dup = std::adjacent_find(info.tags.begin(), info.tags.end(), same_name); dup != info.tags.end())
    return table_error(where, "column " + dup->first + " appears twice");
  if (auto dup = std::adjacent_find(info.units.begin(), info.units.end(), same_name); dup != info.units.end())
    return table_error(where, "column unit." + dup->first + " appears twice");
  std::vector<std::string> members;
  members.reserve(info.tags.size());
  for (const auto& [name, value] : info.tags) {
    auto member = json_member(name, value);
    if (!member) return table_error(where, member.error().message);
    members.push_back(std::move(*member));
  }
  info.tags_json = render(info.tags, members, nullptr);
  for (const auto& [metric, unit] : info.units) {
    auto unit_member = json_member("unit", unit);
    if (!unit_member) return table_error(where, unit_member.error().message);
    info.unit_tags_json.push_back(render(info.tags, members, &*unit_member));
  }
  ids_.push_back(std::move(device_id));
  infos_.push_back(std::move(info));
  if (ids_.size() * 2 > slots_.size()) {
    slots_.assign(std::max<std::size_t>(16, slots_.size() * 2), 0);
    for (std::size_t i = 0; i < ids_.size(); ++i) index(i, hash_of(ids_[i]));
  } else {
    index(ids_.size() - 1, hash_of(ids_.back()));
  }
  return ok_status();
}

void DeviceTable::index(std::size_t device, std::uint64_t hash) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t s = hash & mask;
  while (slots_[s] != 0) s = (s + 1) & mask;
  slots_[s] = (hash & kHashHalf) | (device + 1);
}

const DeviceInfo* DeviceTable::find(std::string_view device_id) const {
  if (slots_.empty()) return nullptr;
  const std::uint64_t hash = hash_of(device_id);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t s = hash & mask;; s = (s + 1) & mask) {
    const std::uint64_t slot = slots_[s];
    if (slot == 0) return nullptr;
    if ((slot & kHashHalf) != (hash & kHashHalf)) continue;
    const std::size_t device = (slot & ~kHashHalf) - 1;
    if (ids_[device] == device_id) return &infos_[device];
  }
}

Result<DeviceTable> table_from_records(const std::vector<std::string>& header,
                                       const std::vector<std::vector<std::string>>& records, std::string_view source) {
  auto key = std::find(header.begin(), header.end(), "device_id");
  if (key == header.end()) return table_error(source, "no device_id column");
  const auto key_index = static_cast<std::size_t>(key - header.begin());
  DeviceTable table;
  std::size_t line = 1;
  for (const auto& record : records) {
    ++line;
    std::string where = std::string(source) + ", record " + std::to_string(line);
    if (record.size() != header.size())
      return table_error(where, std::to_string(record.size()) + " fields where the header has " +
                                    std::to_string(header.size()));
    std::vector<Tag> columns;
    columns.reserve(header.size());
    for (std::size_t i = 0; i < header.size(); ++i)
      if (i != key_index) columns.emplace_back(header[i], record[i]);
    if (auto st = table.add(record[key_index], std::move(columns), where); !st) return st.error();
  }
  return table;
}

Result<DeviceTable> table_from_csv(std::string_view text, std::string_view source) {
  auto records = parse_csv(text);
  if (!records) return make_error(ErrorKind::bad_input, "bad_csv", std::string(source) + ": " + records.error().message);
  if (records->empty()) return table_error(source, "no header line");
  std::vector<std::string> header = std::move(records->front());
  records->erase(records->begin());
  return table_from_records(header, *records, source);
}

Result<DeviceTable> table_from_ndjson(std::string_view text, std::string_view source) {
  DeviceTable table;
  simdjson::dom::parser parser;
  std::size_t line_no = 0;
  while (!text.empty()) {
    auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    std::string where = std::string(source) + ", line " + std::to_string(line_no);
    simdjson::dom::object object;
    if (auto error = parser.parse(line.data(), line.size()).get_object().get(object))
      return table_error(where, std::string("not a JSON object (") + simdjson::error_message(error) + ")");
    std::string device_id;
    bool have_id = false;
    std::vector<Tag> columns;
    for (auto [key, value] : object) {
      std::string name(key);
      if (name == "device_id") {
        std::string_view id;
        if (value.get_string().get(id)) return table_error(where, "device_id is not a string");
        if (have_id) return table_error(where, "device_id given twice");
        device_id = std::string(id);
        have_id = true;
        continue;
      }
      std::string text_value;
      if (scalar_text(value, text_value)) {
        columns.emplace_back(std::move(name), std::move(text_value));
        continue;
      }
      simdjson::dom::object inner;
      if (value.get_object().get(inner)) return table_error(where, name + " is an array");
      for (auto [inner_key, inner_value] : inner) {
        if (!scalar_text(inner_value, text_value))
          return table_error(where, name + "." + std::string(inner_key) + " nests deeper than one level");
        columns.emplace_back(name + "." + std::string(inner_key), std::move(text_value));
      }
    }
    if (!have_id) return table_error(where, "no device_id");
    if (auto st = table.add(std::move(device_id), std::move(columns), where); !st) return st.error();
  }
  return table;
}

Result<DeviceTable> load_table_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::io, "devices_open", "cannot read " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return make_error(ErrorKind::io, "devices_open", "cannot read " + path);
  const std::string text = buffer.str();
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  auto first = text.find_first_not_of(" \t\r\n");
  bool ndjson = ends_with(".ndjson") || ends_with(".jsonl") || ends_with(".json") ||
                (!ends_with(".csv") && first != std::string::npos && text[first] == '{');
  return ndjson ? table_from_ndjson(text, path) : table_from_csv(text, path);
}

}  // namespace iot::devices
