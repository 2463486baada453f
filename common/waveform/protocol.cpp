#include "waveform/protocol.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

namespace iot::waveform {
namespace {

Error schema(std::string message) { return make_error(ErrorKind::bad_input, "schema", "complete: " + std::move(message)); }

std::string json_string(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

Result<std::uint64_t> get_count(simdjson::dom::object o, const char* key) {
  auto v = o[key];
  if (v.error()) return schema(std::string("no ") + key);
  std::uint64_t u;
  if (!v.get(u)) return u;
  double d;  // Python may send 10000.0
  if (!v.get(d) && d >= 0 && d == std::floor(d) && d < 9e15) return static_cast<std::uint64_t>(d);
  return schema(std::string(key) + " is not a non-negative integer");
}

Result<std::string> get_text(simdjson::dom::object o, const char* key) {
  std::string_view s;
  if (o[key].get(s)) return schema(std::string(key) + " is missing or not a string");
  return std::string(s);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string render_complete(const CompleteMessage& m) {
  // Python writes 10000 for an int rate and 10000.5 for a float one: keep integral rates integral.
  std::string rate = m.sample_rate_hz == std::floor(m.sample_rate_hz) && m.sample_rate_hz < 9e15
                         ? fmt::format("{}", static_cast<std::uint64_t>(m.sample_rate_hz))
                         : fmt::format("{}", m.sample_rate_hz);
  std::string out = fmt::format(
      "{{\"upload_id\":{},\"total_chunks\":{},\"total_bytes\":{},\"sample_rate_hz\":{},\"sample_count\":{},"
      "\"format\":{},\"checksum_sha256\":{}",
      json_string(m.upload_id), m.total_chunks, m.total_bytes, rate, m.sample_count, json_string(m.format),
      json_string(m.checksum_sha256));
  if (m.url) out += ",\"url\":" + json_string(*m.url);
  out += '}';
  return out;
}

Result<CompleteMessage> parse_complete(simdjson::dom::element payload) {
  simdjson::dom::object o;
  if (payload.get(o)) return schema("not a JSON object");
  CompleteMessage m;
  auto id = get_text(o, "upload_id");
  if (!id) return id.error();
  if (!is_safe_upload_id(*id)) return schema("upload_id is not a safe name");
  m.upload_id = *id;
  for (auto [key, dst] : {std::pair{"total_chunks", &m.total_chunks}, {"total_bytes", &m.total_bytes},
                          {"sample_count", &m.sample_count}}) {
    auto v = get_count(o, key);
    if (!v) return v.error();
    *dst = *v;
  }
  double rate;
  if (o["sample_rate_hz"].get(rate) || !(rate > 0) || !std::isfinite(rate))
    return schema("sample_rate_hz is missing or not a positive number");
  m.sample_rate_hz = rate;
  auto format = get_text(o, "format");
  if (!format) return format.error();
  m.format = *format;
  auto sum = get_text(o, "checksum_sha256");
  if (!sum) return sum.error();
  if (!is_hex64(*sum)) return schema("checksum_sha256 is not 64 hex digits");
  m.checksum_sha256 = lower(*sum);
  std::string_view url;
  if (!o["url"].get(url)) m.url = std::string(url);
  return m;
}

Result<CompleteMessage> parse_complete_text(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc)) return schema("not valid JSON");
  return parse_complete(doc);
}

std::optional<TopicParts> parse_topic(std::string_view topic) {
  TopicParts p;
  std::string_view rest;
  if (topic.size() > 9 && topic.substr(topic.size() - 9) == "/complete") {
    p.kind = TopicParts::complete;
    rest = topic.substr(0, topic.size() - 9);
  } else {
    auto slash = topic.rfind('/');
    if (slash == std::string_view::npos || slash < 6) return {};
    std::string_view digits = topic.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p.index);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return {};
    if (topic.substr(slash - 6, 6) != "/chunk") return {};
    rest = topic.substr(0, slash - 6);
  }
  auto slash = rest.rfind('/');
  if (slash == std::string_view::npos) return {};
  p.upload_id = rest.substr(slash + 1);
  rest = rest.substr(0, slash);
  constexpr std::string_view kLevel = "waveform";
  if (rest.size() < kLevel.size() || rest.substr(rest.size() - kLevel.size()) != kLevel) return {};
  rest.remove_suffix(kLevel.size());
  if (!rest.empty() && rest.back() != '/') return {};
  p.base = rest.empty() ? rest : rest.substr(0, rest.size() - 1);
  if (!is_safe_upload_id(p.upload_id)) return {};
  return p;
}

std::string chunk_topic(std::string_view base, std::string_view id, std::uint64_t index) {
  return fmt::format("{}/waveform/{}/chunk/{}", base, id, index);
}
std::string complete_topic(std::string_view base, std::string_view id) {
  return fmt::format("{}/waveform/{}/complete", base, id);
}

bool is_safe_upload_id(std::string_view id) {
  if (id.empty() || id.size() > 128 || id.front() == '.') return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

}  // namespace iot::waveform
