#include "store/pubsub_message.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "codec/base64.hpp"
#include "core/time_text.hpp"
#include "store/json_out.hpp"

namespace iot::store {
namespace {

Error refused(std::string why) { return make_error(ErrorKind::bad_input, "db_rejected", "Pub/Sub: " + std::move(why)); }

void append_text_or_null(std::string& out, const std::string& s) {
  if (s.empty())
    out += "null";
  else
    append_json_quoted(out, s);
}

// The row's tags (a flat JSON object of strings as iot-ingest renders it),
// in the object's order; values that are not strings as their JSON text.
template <class F>
Status for_each_tag(const std::string& tags_json, F&& f) {
  if (tags_json.empty()) return ok_status();
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object tags;
  if (parser.parse(tags_json).get_object().get(tags)) return refused("the reading's tags are not a JSON object");
  for (auto [key, value] : tags) {
    std::string_view text;
    if (!value.get_string().get(text))
      f(key, std::string(text));
    else
      f(key, simdjson::minify(value));
  }
  return ok_status();
}

std::string site_of(const std::string& tags_json) {
  std::string site;
  (void)for_each_tag(tags_json, [&](std::string_view key, std::string value) {
    if (key == "site") site = std::move(value);
  });
  return site;
}

}  // namespace

void append_reading_data(std::string& out, const ReadingRow& row) {
  out += "{\"time\":\"";
  time_text::append_rfc3339_micros(out, row.time_ns);
  out += "\",\"device_id\":";
  append_json_quoted(out, row.device_id);
  out += ",\"metric\":";
  append_json_quoted(out, row.metric);
  out += ",\"value\":";
  append_json_number(out, row.value);
  fmt::format_to(std::back_inserter(out), ",\"quality\":{},\"unit\":", row.quality);
  append_text_or_null(out, row.unit);
  out += ",\"tenant\":";
  append_text_or_null(out, row.tenant);
  out += ",\"protocol\":";
  append_text_or_null(out, row.protocol);
  out += ",\"msg_id\":";
  append_text_or_null(out, row.msg_id);
  out += ",\"seq\":";
  if (row.seq)
    fmt::format_to(std::back_inserter(out), "{}", *row.seq);
  else
    out += "null";
  out += ",\"tags\":";
  out += row.tags_json.empty() ? std::string_view("null") : std::string_view(row.tags_json);
  if (std::string site = site_of(row.tags_json); !site.empty()) {
    out += ",\"site_code\":";
    append_json_quoted(out, site);
    out += ",\"sensor_id\":";
    append_json_quoted(out, row.device_id);
    out += ",\"pi_tag\":";
    append_json_quoted(out, row.metric);
  }
  out += '}';
}

Status append_pubsub_message(std::string& out, const ReadingRow& row) {
  if (row.ordering_key.size() > pubsub_max_ordering_key)
    return refused(fmt::format("ordering key of {} bytes (at most {})", row.ordering_key.size(), pubsub_max_ordering_key));
  std::string data;
  append_reading_data(data, row);
  std::string attributes = "{";
  std::size_t count = 0, bytes = row.ordering_key.size() + data.size();
  Status bad = ok_status();
  auto add = [&](std::string_view key, const std::string& value) {
    if (!bad) return;
    if (key.size() > pubsub_max_attribute_key || value.size() > pubsub_max_attribute_value) {
      bad = refused(fmt::format("attribute {} of {} bytes (keys at most {}, values at most {})",
                                std::string(key.substr(0, 64)), key.size() + value.size(), pubsub_max_attribute_key,
                                pubsub_max_attribute_value));
      return;
    }
    if (count) attributes += ',';
    append_json_quoted(attributes, key);
    attributes += ':';
    append_json_quoted(attributes, value);
    bytes += key.size() + value.size();
    ++count;
  };
  add("device_id", row.device_id);
  add("metric", row.metric);
  if (!row.msg_id.empty()) add("msg_id", row.msg_id);
  auto add_tag = [&](std::string_view key, const std::string& value) {
    if (key != "device_id" && key != "metric" && key != "msg_id") add(key, value);  // the reading's own win
  };
  if (auto st = for_each_tag(row.tags_json, add_tag); !st) return st;
  if (!bad) return bad;
  attributes += '}';
  if (count > pubsub_max_attributes)
    return refused(fmt::format("{} attributes (at most {})", count, pubsub_max_attributes));
  if (bytes > pubsub_max_message_bytes)
    return refused(fmt::format("a message of {} bytes (at most {})", bytes, pubsub_max_message_bytes));
  out += "{\"data\":\"";
  out += codec::base64_encode(data);
  out += "\",\"attributes\":";
  out += attributes;
  if (!row.ordering_key.empty()) {
    out += ",\"orderingKey\":";
    append_json_quoted(out, row.ordering_key);
  }
  out += '}';
  return ok_status();
}

}  // namespace iot::store
