#include "store/line_protocol.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>
#include <map>

namespace iot::store {
namespace {

Error refused(std::string message) { return make_error(ErrorKind::bad_input, "db_rejected", std::move(message)); }

// Checks what no escaping can fix; `what` names the part for the reason.
Status check_name(std::string_view name, std::string_view what) {
  if (name.empty()) return refused(fmt::format("{} is empty (line protocol needs a name)", what));
  // InfluxDB reads a backslash before a delimiter as an escape, and its
  // parsers do not agree on a doubled one, so a backslash of the name's own
  // cannot stand before , = space " or at the end (it would swallow the
  // delimiter that follows the name). One pass: this runs for every name
  // of every reading.
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\n' || name[i] == '\r')
      return refused(fmt::format("{} holds a newline (line protocol cannot carry it)", what));
    if (name[i] != '\\') continue;
    if (i + 1 == name.size())
      return refused(fmt::format("{} ends in a backslash (line protocol cannot carry it)", what));
    if (std::string_view(",= \"").find(name[i + 1]) != std::string_view::npos)
      return refused(fmt::format("{} has a backslash before '{}' (line protocol cannot carry it)", what, name[i + 1]));
  }
  return ok_status();
}

// Which characters get a backslash, as a table: this runs for every name
// and value of every reading (a find() per character was a fifth of the
// encoder's time). Runs of plain characters are appended whole.
struct Specials {
  bool escape[256] = {};
  constexpr explicit Specials(std::string_view chars) {
    for (char c : chars) escape[static_cast<unsigned char>(c)] = true;
  }
};
constexpr Specials measurement_specials(",= \""), key_specials(",= "), string_specials("\"\\");

void append_escaped(std::string& out, std::string_view text, const Specials& specials) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!specials.escape[static_cast<unsigned char>(text[i])]) continue;
    out.append(text.data() + start, i - start);
    out += '\\';
    start = i;
  }
  out.append(text.data() + start, text.size() - start);
}

// readings.tags is a one-line JSON object of strings (iot-ingest builds it).
Status parse_tags(const std::string& json, std::map<std::string, std::string, std::less<>>& tags) {
  if (json.empty()) return ok_status();
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json).get_object().get(object)) return refused("tags are not a JSON object");
  for (auto field : object) {
    std::string_view value;
    if (field.value.get_string().get(value)) return refused(fmt::format("tag {} is not a string", field.key));
    tags[std::string(field.key)] = std::string(value);
  }
  return ok_status();
}

}  // namespace

Status append_measurement(std::string& out, std::string_view name) {
  if (auto st = check_name(name, "measurement"); !st) return st;
  // InfluxDB unescapes \= and \" in a measurement as well, so they are escaped too.
  append_escaped(out, name, measurement_specials);
  return ok_status();
}

Status append_key(std::string& out, std::string_view name, std::string_view what) {
  if (auto st = check_name(name, what); !st) return st;
  append_escaped(out, name, key_specials);
  return ok_status();
}

Status append_field_key(std::string& out, std::string_view name) {
  if (auto st = check_name(name, "metric (field key)"); !st) return st;
  // InfluxDB unescapes \" in a field key too, so a quote is escaped there.
  append_escaped(out, name, measurement_specials);
  return ok_status();
}

Status append_string_value(std::string& out, std::string_view value, std::string_view what) {
  if (value.find_first_of("\n\r") != std::string_view::npos)
    return refused(fmt::format("{} holds a newline (line protocol cannot carry it)", what));
  append_escaped(out, value, string_specials);
  return ok_status();
}

namespace {

// The bytes after which a name or a string value is more than a copy of
// itself (an escape, or a check that may refuse it): names with none of
// them, nearly all, are appended whole after one scan.
struct Plain {
  bool special[256] = {};
  constexpr explicit Plain(std::string_view chars) {
    for (char c : chars) special[static_cast<unsigned char>(c)] = true;
  }
  bool operator()(std::string_view text) const {
    for (char c : text)
      if (special[static_cast<unsigned char>(c)]) return false;
    return true;
  }
};
constexpr Plain plain_name(",= \"\\\n\r"), plain_string("\"\\\n\r");

template <typename Int>
void append_int(std::string& out, Int value) {
  char text[24];
  auto end = std::to_chars(text, text + sizeof text, value).ptr;
  out.append(text, end);
}

// "MEASUREMENT,TAG=V,... " of a reading.
Status append_series(std::string& out, const ReadingRow& row, std::string_view measurement) {
  if (!measurement.empty() && plain_name(measurement)) out += measurement;
  else if (auto st = append_measurement(out, measurement); !st) return st;
  if (row.tags_json.empty()) {
    // No tags but the reading's own (most readings): written in key order
    // without building the map below.
    if (!row.device_id.empty()) {
      out += ",device_id=";
      if (plain_name(row.device_id)) out += row.device_id;
      else if (auto st = append_key(out, row.device_id, "tag value"); !st)
        return check_name(row.device_id, "tag value of device_id");
    }
    out += ",quality=";
    append_int(out, row.quality);
  } else {
    std::map<std::string, std::string, std::less<>> tags;
    if (auto st = parse_tags(row.tags_json, tags); !st) return st;
    // The reading's own identity wins over a payload or route tag of the same name.
    tags["device_id"] = row.device_id;
    tags["quality"] = std::to_string(row.quality);
    for (const auto& [key, value] : tags) {
      if (value.empty()) continue;  // the protocol has no empty tag value: an absent tag reads the same
      out += ',';
      if (auto st = append_key(out, key, "tag key"); !st) return st;
      out += '=';
      // The reason names the tag; the text is only built when it is needed.
      if (auto st = append_key(out, value, "tag value"); !st) return check_name(value, "tag value of " + key);
    }
  }
  out += ' ';
  return ok_status();
}

}  // namespace

Status append_line(std::string& out, const ReadingRow& row, std::string_view measurement) {
  LineEncoder encoder;
  return encoder.append(out, row, measurement);
}

Status LineEncoder::append(std::string& out, const ReadingRow& row, std::string_view measurement) {
  const std::size_t start = out.size();
  auto fail = [&](Error e) -> Status {
    out.resize(start);
    return e;
  };
  if (!row.value) return refused("value of " + row.metric + " is null (a line protocol field has no null)");
  if (!series_valid_ || row.quality != series_quality_ || row.device_id != series_device_ ||
      measurement != series_measurement_ || row.tags_json != series_tags_) {
    series_valid_ = false;
    series_.clear();
    if (auto st = append_series(series_, row, measurement); !st) return st;
    series_measurement_ = measurement;
    series_device_ = row.device_id;
    series_tags_ = row.tags_json;
    series_quality_ = row.quality;
    series_valid_ = true;
  }
  out += series_;
  if (!row.metric.empty() && plain_name(row.metric)) out += row.metric;
  else if (auto st = append_field_key(out, row.metric); !st) return fail(st.error());
  // '=' and the shortest text that reads back as the same double ("{}" of
  // fmt, compiled: the format string is not parsed for every reading).
  char value_text[40] = "=";
  out.append(value_text, fmt::format_to(value_text + 1, FMT_COMPILE("{}"), *row.value));
  if (!row.msg_id.empty() && row.metric != "msg_id") {
    if (!msg_valid_ || row.msg_id != msg_id_) {
      msg_valid_ = false;
      msg_field_ = ",msg_id=\"";
      if (plain_string(row.msg_id)) msg_field_ += row.msg_id;
      else if (auto st = append_string_value(msg_field_, row.msg_id, "msg_id"); !st) return fail(st.error());
      msg_field_ += '"';
      msg_id_ = row.msg_id;
      msg_valid_ = true;
    }
    out += msg_field_;
  }
  const bool with_seq = row.seq && row.metric != "seq";
  if (!tail_valid_ || with_seq != tail_seq_written_ || (with_seq && *row.seq != tail_seq_) ||
      row.time_ns != tail_time_ns_) {
    tail_.clear();
    if (with_seq) {
      tail_ += ",seq=";
      append_int(tail_, *row.seq);
      tail_ += 'i';
    }
    tail_ += ' ';
    append_int(tail_, row.time_ns);
    tail_ += '\n';
    tail_seq_written_ = with_seq;
    tail_seq_ = with_seq ? *row.seq : 0;
    tail_time_ns_ = row.time_ns;
    tail_valid_ = true;
  }
  out += tail_;
  return ok_status();
}

}  // namespace iot::store
