#include "store/batch_codec.hpp"

#include <fmt/format.h>

#include <charconv>
#include <vector>

#include "store/copy_text.hpp"

namespace iot::store {
namespace {

constexpr std::string_view kHeader = "iot-spool-batch 1";

void field(std::string& out, const std::string& s) {
  out += '\t';
  if (s.empty())
    out += "\\N";
  else
    append_copy_field(out, s);
}
template <class T>
void field(std::string& out, const std::optional<T>& v) {
  out += '\t';
  if (v)
    fmt::format_to(std::back_inserter(out), "{}", *v);
  else
    out += "\\N";
}
void field(std::string& out, std::int64_t v) { fmt::format_to(std::back_inserter(out), "\t{}", v); }

std::string unescape(std::string_view s) {
  if (s == "\\N") return {};
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
  }
  return out;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == '\t') {
      parts.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

template <class T>
bool number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}
template <class T>
bool optional_number(std::string_view s, std::optional<T>& out) {
  if (s == "\\N") {
    out.reset();
    return true;
  }
  T v{};
  if (!number(s, v)) return false;
  out = v;
  return true;
}

bool decode_reading(const std::vector<std::string_view>& f, Batch& b) {
  if (f.size() != 14 && f.size() != 15) return false;  // 14: spooled before ordering keys
  ReadingRow r;
  r.table = unescape(f[13]);
  std::int64_t quality = 0;
  if (!number(f[1], r.time_ns) || !optional_number(f[4], r.value) || !number(f[5], quality) ||
      !optional_number(f[10], r.seq))
    return false;
  r.quality = static_cast<int>(quality);
  r.device_id = unescape(f[2]);
  r.metric = unescape(f[3]);
  r.tenant = unescape(f[6]);
  r.protocol = unescape(f[7]);
  r.unit = unescape(f[8]);
  r.msg_id = unescape(f[9]);
  r.tags_json = unescape(f[11]);
  r.extra_json = unescape(f[12]);
  if (f.size() == 15) r.ordering_key = unescape(f[14]);
  b.readings.push_back(std::move(r));
  return true;
}

bool decode_gap(const std::vector<std::string_view>& f, Batch& b) {
  if (f.size() != 8) return false;
  GapRow g;
  std::int64_t replace = 0;
  g.device_id = unescape(f[1]);
  if (!number(f[2], g.from_seq) || !number(f[3], g.to_seq) || !number(f[4], g.detected_ns) ||
      !number(f[5], replace) || !optional_number(f[6], g.filled_ns))
    return false;
  g.replace = replace != 0;
  std::string ranges = unescape(f[7]);
  std::string_view rest = ranges;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view one = rest.substr(0, comma);
    auto dash = one.find('~');
    std::int64_t from = 0, to = 0;
    if (dash == std::string_view::npos || !number(one.substr(0, dash), from) || !number(one.substr(dash + 1), to))
      return false;
    g.remaining.emplace_back(from, to);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  b.gaps.push_back(std::move(g));
  return true;
}

bool decode_waveform(const std::vector<std::string_view>& f, Batch& b) {
  if (f.size() != 13) return false;
  WaveformRow w;
  w.upload_id = unescape(f[1]);
  w.device_id = unescape(f[2]);
  if (!number(f[3], w.time_ns) || !optional_number(f[4], w.sample_rate_hz) || !optional_number(f[5], w.sample_count) ||
      !optional_number(f[9], w.rms) || !optional_number(f[10], w.peak) || !optional_number(f[11], w.crest))
    return false;
  w.format = unescape(f[6]);
  w.sha256 = unescape(f[7]);
  w.blob = unescape(f[8]);
  w.dominant_hz_json = unescape(f[12]);
  b.waveforms.push_back(std::move(w));
  return true;
}

bool decode_alarm(const std::vector<std::string_view>& f, Batch& b) {
  if (f.size() != 12) return false;
  AlarmRow a;
  std::int64_t raise = 0;
  if (!number(f[6], raise) || !optional_number(f[7], a.value) || !number(f[8], a.since_ms) || !number(f[9], a.ts_ms))
    return false;
  a.msg_id = unescape(f[1]);
  a.device_id = unescape(f[2]);
  a.rule = unescape(f[3]);
  a.check = unescape(f[4]);
  a.metric = unescape(f[5]);
  a.raise = raise != 0;
  a.detail = unescape(f[10]);
  a.topic = unescape(f[11]);
  b.alarms.push_back(std::move(a));
  return true;
}

bool decode_record(const std::vector<std::string_view>& f, Batch& b) {
  if (f.size() != 12) return false;
  auto table = record_table_named(f[1]);
  RecordRow r;
  if (!table || !number(f[2], r.time_ns) || !optional_number(f[10], r.number)) return false;
  r.table = *table;
  r.msg_id = unescape(f[3]);
  r.device_id = unescape(f[4]);
  r.tenant = unescape(f[5]);
  r.topic = unescape(f[6]);
  r.name = unescape(f[7]);
  r.label = unescape(f[8]);
  r.text = unescape(f[9]);
  r.json = unescape(f[11]);
  b.records.push_back(std::move(r));
  return true;
}

}  // namespace

std::string encode_batch(const Batch& batch) {
  std::string out(kHeader);
  out += '\n';
  for (const auto& r : batch.readings) {
    out += 'R';
    field(out, r.time_ns);
    field(out, r.device_id);
    field(out, r.metric);
    field(out, r.value);
    field(out, static_cast<std::int64_t>(r.quality));
    field(out, r.tenant);
    field(out, r.protocol);
    field(out, r.unit);
    field(out, r.msg_id);
    field(out, r.seq);
    field(out, r.tags_json);
    field(out, r.extra_json);
    field(out, r.table);
    field(out, r.ordering_key);
    out += '\n';
  }
  for (const auto& g : batch.gaps) {
    out += 'G';
    field(out, g.device_id);
    field(out, g.from_seq);
    field(out, g.to_seq);
    field(out, g.detected_ns);
    field(out, static_cast<std::int64_t>(g.replace));
    field(out, g.filled_ns);
    std::string ranges;
    for (const auto& [from, to] : g.remaining) ranges += fmt::format("{}{}~{}", ranges.empty() ? "" : ",", from, to);
    field(out, ranges);
    out += '\n';
  }
  for (const auto& w : batch.waveforms) {
    out += 'W';
    field(out, w.upload_id);
    field(out, w.device_id);
    field(out, w.time_ns);
    field(out, w.sample_rate_hz);
    field(out, w.sample_count);
    field(out, w.format);
    field(out, w.sha256);
    field(out, w.blob);
    field(out, w.rms);
    field(out, w.peak);
    field(out, w.crest);
    field(out, w.dominant_hz_json);
    out += '\n';
  }
  for (const auto& a : batch.alarms) {
    out += 'A';
    field(out, a.msg_id);
    field(out, a.device_id);
    field(out, a.rule);
    field(out, a.check);
    field(out, a.metric);
    field(out, static_cast<std::int64_t>(a.raise));
    field(out, a.value);
    field(out, a.since_ms);
    field(out, a.ts_ms);
    field(out, a.detail);
    field(out, a.topic);
    out += '\n';
  }
  for (const auto& r : batch.records) {
    out += 'K';
    field(out, std::string(record_table(r.table).name));
    field(out, r.time_ns);
    for (const std::string* s : {&r.msg_id, &r.device_id, &r.tenant, &r.topic, &r.name, &r.label, &r.text})
      field(out, *s);
    field(out, r.number);
    field(out, r.json);
    out += '\n';
  }
  return out;
}

Result<Batch> decode_batch(std::string_view bytes) {
  Batch batch;
  std::size_t line_no = 0;
  while (!bytes.empty()) {
    auto nl = bytes.find('\n');
    std::string_view line = bytes.substr(0, nl);
    bytes = nl == std::string_view::npos ? std::string_view() : bytes.substr(nl + 1);
    ++line_no;
    bool ok = false;
    if (line_no == 1) {
      ok = line == kHeader;
    } else if (!line.empty()) {
      auto f = split_tabs(line);
      ok = f[0] == "R" ? decode_reading(f, batch) : f[0] == "G" ? decode_gap(f, batch)
                                                   : f[0] == "W" ? decode_waveform(f, batch)
                                                   : f[0] == "A" ? decode_alarm(f, batch)
                                                   : f[0] == "K" ? decode_record(f, batch) : false;
    } else {
      ok = true;
    }
    if (!ok) return make_error(ErrorKind::bad_input, "spool_corrupt", fmt::format("spool batch line {} is not valid", line_no));
  }
  if (line_no == 0) return make_error(ErrorKind::bad_input, "spool_corrupt", "empty spool batch");
  return batch;
}

}  // namespace iot::store
