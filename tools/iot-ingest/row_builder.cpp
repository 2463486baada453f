#include "iot-ingest/row_builder.hpp"

#include <algorithm>
#include <cmath>

#include "devices/tag_merge.hpp"
#include "store/json_out.hpp"
#include "telemetry/field_template.hpp"
#include "telemetry/normalize.hpp"

namespace iot::ingest {
namespace {

Error schema_error(std::string message) { return make_error(ErrorKind::bad_input, "schema", std::move(message)); }

bool has_nul(const std::string& s) { return s.find('\0') != std::string::npos; }

void assign_unless_empty(std::string& to, const std::string& from) {
  if (!from.empty()) to = from;
}

// readings.tags: the tags the payload shape carries (kpi: site), with the
// route's on top (the registry is the operator's word); "" when none.
std::string render_tags(const std::map<std::string, std::string>& own, const std::map<std::string, std::string>& route) {
  if (own.empty() && route.empty()) return {};
  std::map<std::string, std::string> merged = own;
  for (const auto& [name, value] : route) merged[name] = value;
  std::string out = "{";
  for (const auto& [name, value] : merged) {
    if (out.size() > 1) out += ',';
    store::append_json_quoted(out, name);
    out += ':';
    store::append_json_quoted(out, value);
  }
  return out + "}";
}

std::string field_or_empty(const std::map<std::string, std::string>& fields, const char* name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

std::optional<double> number_of(simdjson::dom::element e) {
  double d;
  if (e.is_int64()) return static_cast<double>(e.get_int64().value());
  if (e.is_uint64()) return static_cast<double>(e.get_uint64().value());
  if (!e.get_double().get(d)) return d;
  return std::nullopt;
}

std::string string_of(simdjson::dom::object o, const char* key) {
  std::string_view s;
  if (o[key].get_string().get(s)) return {};
  return std::string(s);
}

// Values an ordering key template reads: the captures and envelope fields,
// the reading's tags over them, and device_id (metric is given per reading).
std::map<std::string, std::string> ordering_values(const std::map<std::string, std::string>& fields,
                                                   const std::map<std::string, std::string>& own,
                                                   const std::map<std::string, std::string>& route,
                                                   const std::string& device_id) {
  std::map<std::string, std::string> values = fields;
  for (const auto& [name, value] : own) values[name] = value;
  for (const auto& [name, value] : route) values[name] = value;
  values["device_id"] = device_id;
  return values;
}

// The site tag a reading has (the kpi shape's site_code, or a route's tag).
const std::string* site_tag(const std::map<std::string, std::string>& own,
                            const std::map<std::string, std::string>& route) {
  if (auto it = route.find("site"); it != route.end()) return &it->second;
  if (auto it = own.find("site"); it != own.end()) return &it->second;
  return nullptr;
}

}  // namespace

Result<std::vector<BuiltMessage>> build_messages(const std::vector<telemetry::Message>& messages,
                                                 const registry::RouteMatch& match,
                                                 const std::map<std::string, std::string>& tags_of_route,
                                                 const Enrichment& enrichment) {
  std::vector<BuiltMessage> out;
  out.reserve(messages.size());
  const std::map<std::string, std::string>& fields = match.fields;
  // Rendered once per line: the rows of a message share one text.
  const SharedText plain_tags = render_tags({}, tags_of_route);
  const std::string tenant = field_or_empty(fields, "tenant"), protocol = field_or_empty(fields, "protocol");
  // The last device looked up: a message's readings are mostly of one device.
  std::string_view looked_up;
  const devices::DeviceInfo* device = nullptr;
  std::uint64_t unknown = 0;
  // A device's tags merged with the message's and the route's, per (device,
  // unit.METRIC variant): the readings of one message share them.
  std::vector<std::pair<const SharedText*, SharedText>> merged_for_message;
  for (const auto& m : messages) {
    if (has_nul(m.device_id) || has_nul(m.msg_id)) return schema_error("device_id or msg_id holds a NUL character");
    BuiltMessage& built = out.emplace_back(BuiltMessage{m.device_id, m.msg_id, m.seq, m.time_ns.value_or(0), {}, {}});
    built.rows.reserve(m.readings.size());
    const SharedText tags = m.tags.empty() ? plain_tags : SharedText(render_tags(m.tags, tags_of_route));
    const bool merges = !m.tags.empty() || !tags_of_route.empty();
    merged_for_message.clear();
    // Pub/Sub's ordering key: the route's or --ordering-key's template, else the site tag.
    const std::optional<std::string>* key_template = match.ordering_key;
    const bool templated = key_template && *key_template && !(*key_template)->empty();
    std::map<std::string, std::string> key_values;
    if (templated) key_values = ordering_values(fields, m.tags, tags_of_route, m.device_id);
    const std::string* site = key_template && *key_template ? nullptr : site_tag(m.tags, tags_of_route);
    for (const auto& r : m.readings) {
      if (r.value && !std::isfinite(*r.value)) return schema_error("value of " + r.metric + " is not finite");
      if (r.device_id.empty() || r.metric.empty()) return schema_error("a reading without device or metric");
      if (has_nul(r.device_id) || has_nul(r.metric) || has_nul(r.unit))
        return schema_error("a device, metric or unit holds a NUL character");
      // Built where it stays (a move of a row is ten strings).
      store::ReadingRow& row = built.rows.emplace_back();
      // The row is new: empty strings are not copied (most of them are empty).
      assign_unless_empty(row.table, match.route->table);  // empty: the default table (--table)
      row.time_ns = r.time_ns;
      row.device_id = r.device_id;
      row.metric = r.metric;
      row.value = r.value;
      row.quality = r.quality;
      assign_unless_empty(row.unit, r.unit);
      assign_unless_empty(row.tenant, tenant);
      assign_unless_empty(row.protocol, protocol);
      assign_unless_empty(row.msg_id, m.msg_id);
      row.seq = m.seq;
      if (enrichment.table) {
        if (r.device_id != looked_up || looked_up.empty()) {
          looked_up = r.device_id;
          device = enrichment.table->find(r.device_id);
        }
        if (!device) {
          if (enrichment.require_known)
            return make_error(ErrorKind::bad_input, "unknown_device",
                              "device " + r.device_id + " is not in the --devices table");
          ++unknown;
        }
      }
      if (device) {
        const std::size_t unit_index = device->unit_index(r.metric);
        const std::string* table_unit = device->unit_at(unit_index);
        if (table_unit && !r.unit.empty() && r.unit != *table_unit) {
          // The payload's own unit wins over unit.METRIC, in the tag as in the column.
          auto own = m.tags;
          own.emplace("unit", r.unit);
          auto merged = devices::merged_tags_json(*device, r.metric, own, tags_of_route);
          if (!merged) return merged.error();
          row.tags_json = std::move(*merged);
        } else if (!merges) {
          row.tags_json = device->tags_json_at(unit_index);  // the common case: a reference, no copy
        } else {
          const SharedText* rendered = &device->tags_json_at(unit_index);
          auto cached = std::find_if(merged_for_message.begin(), merged_for_message.end(),
                                     [&](const auto& entry) { return entry.first == rendered; });
          if (cached == merged_for_message.end()) {
            auto merged = devices::merged_tags_json(*device, r.metric, m.tags, tags_of_route);
            if (!merged) return merged.error();
            cached = merged_for_message.insert(cached, {rendered, std::move(*merged)});
          }
          row.tags_json = cached->second;
        }
        if (row.unit.empty() && table_unit) row.unit = *table_unit;
      } else if (!tags.empty()) {
        row.tags_json = tags;  // the message's one text, shared by its rows
      }
      if (templated) {
        auto key = telemetry::expand_template(**key_template, telemetry::TemplateValues{&key_values, nullptr, "metric", r.metric});
        if (!key) return schema_error("ordering_key: " + key.error().message);
        row.ordering_key = std::move(*key);
      } else if (site) {
        row.ordering_key = *site;
      }
    }
    if (!m.time_ns && !built.rows.empty()) built.time_ns = built.rows.front().time_ns;
  }
  if (enrichment.unknown_readings) *enrichment.unknown_readings += unknown;
  return out;
}

bool is_waveform_line(simdjson::dom::element payload) {
  simdjson::dom::object o;
  if (payload.get_object().get(o)) return false;
  std::string_view type;
  if (!o["type"].get_string().get(type) && type == "waveform") return true;
  return o["upload_id"].is_string() && (o["sha256"].is_string() || o["checksum_sha256"].is_string() ||
                                        o["status"].is_string());
}

Result<store::WaveformRow> build_waveform(simdjson::dom::element payload) {
  simdjson::dom::object o;
  if (payload.get_object().get(o)) return schema_error("waveform line is not an object");
  std::string status = string_of(o, "status");
  if (!status.empty() && status != "ok")
    return make_error(ErrorKind::bad_input, "waveform_incomplete", "waveform upload status " + status);
  store::WaveformRow w;
  w.upload_id = string_of(o, "upload_id");
  if (w.upload_id.empty() || has_nul(w.upload_id)) return schema_error("waveform line without upload_id");
  w.device_id = string_of(o, "device_id");
  w.format = string_of(o, "format");
  w.sha256 = string_of(o, "sha256");
  if (w.sha256.empty()) w.sha256 = string_of(o, "checksum_sha256");
  w.blob = string_of(o, "blob");
  if (w.blob.empty()) w.blob = string_of(o, "path");
  simdjson::dom::element e;
  std::int64_t ts_ms = 0;
  if (!o["ts"].get_int64().get(ts_ms)) {  // nested shape: ts is Unix ms
    w.time_ns = ts_ms * 1000000;
  } else if (!o["time"].get(e) || !o["timestamp"].get(e)) {
    auto t = telemetry::parse_timestamp_ns(e);
    if (t) w.time_ns = *t;
  }
  if (!o["sample_rate_hz"].get(e)) w.sample_rate_hz = number_of(e);
  if (!o["sample_count"].get(e)) {
    if (auto n = number_of(e)) w.sample_count = static_cast<std::int64_t>(*n);
  }
  if (!o["rms"].get(e)) w.rms = number_of(e);
  if (!o["peak"].get(e)) w.peak = number_of(e);
  if (!o["crest_factor"].get(e) || !o["crest"].get(e)) w.crest = number_of(e);
  if (!o["dominant"].get(e) || !o["dominant_hz"].get(e)) w.dominant_hz_json = simdjson::minify(e);
  if (has_nul(w.device_id) || has_nul(w.blob) || has_nul(w.format)) return schema_error("a NUL character");
  return w;
}

}  // namespace iot::ingest
