// The line-protocol encoder over arbitrary names. Input: measurement,
// device, metric, msg_id and the tags JSON, each ended by '\n' (the last
// takes the rest). A line that is produced must read back the way InfluxDB
// reads it: one '\n' at its end, a series key, fields and the time once
// backslash escapes and quoted strings are honoured, and the measurement and
// device id unescaped equal to what went in. A refused line leaves the
// output as it was.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "store/line_protocol.hpp"

namespace {

std::string_view cut(std::string_view& s) {
  std::size_t nl = s.find('\n');
  std::string_view head = s.substr(0, nl);
  s = nl == std::string_view::npos ? std::string_view{} : s.substr(nl + 1);
  return head;
}

// Splits at `sep` as InfluxDB does: outside strings a separator right after
// a backslash is part of the name; inside a double-quoted string (fields
// only) a backslash escapes the byte after it.
std::vector<std::string> split(std::string_view s, char sep, bool quotes) {
  std::vector<std::string> parts(1);
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted && c == '\\' && i + 1 < s.size()) {
      parts.back() += c;
      parts.back() += s[++i];
      continue;
    }
    const bool escaped = i > 0 && s[i - 1] == '\\';
    if (quotes && c == '"' && (quoted || !escaped)) quoted = !quoted;
    if (c == sep && !quoted && !escaped) {
      parts.emplace_back();
      continue;
    }
    parts.back() += c;
  }
  return parts;
}

// InfluxDB's unescaping of names: a backslash before one of `specials` goes.
std::string unescape(std::string_view s, std::string_view specials) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && specials.find(s[i + 1]) != std::string_view::npos) continue;
    out += s[i];
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view measurement = cut(in);
  iot::store::ReadingRow row;
  row.device_id = std::string(cut(in));
  row.metric = std::string(cut(in));
  row.msg_id = std::string(cut(in));
  row.tags_json = std::string(in);
  row.value = static_cast<double>(size) / 3;
  row.seq = static_cast<std::int64_t>(size);
  row.time_ns = 1;
  std::string out = "x";
  auto st = iot::store::append_line(out, row, measurement);
  if (!st) {
    if (out != "x") std::abort();
    return 0;
  }
  std::string_view line = std::string_view(out).substr(1);
  if (line.empty() || line.back() != '\n' || line.find('\n') != line.size() - 1) std::abort();
  line.remove_suffix(1);
  // The series key ends at the first unescaped space (quotes mean nothing
  // there); the fields end at the next one outside a quoted string.
  auto key_and_rest = split(line, ' ', false);
  if (key_and_rest.size() < 2) std::abort();
  const std::string& key = key_and_rest[0];
  auto sections = split(line.substr(key.size() + 1), ' ', true);
  if (sections.size() != 2 || sections[1] != "1") std::abort();
  auto series = split(key, ',', false);
  if (unescape(series[0], ",= \"") != measurement) std::abort();
  bool device_found = false;
  for (std::size_t i = 1; i < series.size(); ++i) {
    auto kv = split(series[i], '=', false);
    if (kv.size() != 2) std::abort();
    if (kv[0] == "device_id") device_found = unescape(kv[1], ",= ") == row.device_id;
  }
  if (!device_found && !row.device_id.empty()) std::abort();  // an empty tag value is left out
  return 0;
}
