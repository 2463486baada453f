// render_envelope: the one writer of envelope lines. Sized up front so that
// a line costs one allocation; no JSON library on this path.
#include <charconv>

#include "codec/json_text.hpp"
#include "stream/envelope.hpp"
#include "stream/json_escape.hpp"

namespace iot::stream {
namespace {

void append_base64(std::string& out, std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])); };
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 0) return;
  std::uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
  out += kAlphabet[v >> 18];
  out += kAlphabet[(v >> 12) & 63];
  out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
  out += '=';
}

void append_int(std::string& out, std::int64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

std::size_t size_bound(const EnvelopeOut& e) {
  std::size_t n = 160 + e.topic.size() * 6 + e.enc.size();
  if (e.payload_json) n += e.payload_json->size();
  if (e.payload_bytes) n += (e.payload_bytes->size() + 2) / 3 * 4;
  if (e.fields_json) n += e.fields_json->size();
  if (e.props_json) n += e.props_json->size();
  if (e.extra_json) n += e.extra_json->size();
  return n;
}

}  // namespace

std::string render_envelope(const EnvelopeOut& e) {
  std::string out;
  out.reserve(size_bound(e));
  out += "{\"topic\":";
  detail::append_json_string_lossy(out, e.topic);
  if (e.payload_json) {
    out += ",\"payload\":";
    out += *e.payload_json;
  } else if (e.payload_bytes) {
    out += ",\"payload_b64\":\"";
    append_base64(out, *e.payload_bytes);
    out += '"';
  } else {
    out += ",\"payload\":null";  // the format has exactly one of the two
  }
  if (!e.enc.empty()) {
    out += ",\"enc\":";
    detail::append_json_string_lossy(out, e.enc);
  }
  if (e.qos >= 0) {
    out += ",\"qos\":";
    append_int(out, e.qos);
  }
  if (e.retain) out += *e.retain ? ",\"retain\":true" : ",\"retain\":false";
  if (e.rx_ts) {
    out += ",\"rx_ts\":";
    append_int(out, *e.rx_ts);
  }
  if (e.fields_json) {
    out += ",\"fields\":";
    out += *e.fields_json;
  }
  if (e.props_json) {
    out += ",\"props\":";
    out += *e.props_json;
  }
  if (e.extra_json && !e.extra_json->empty()) {
    out += ',';
    out += *e.extra_json;
  }
  if (e.jpos) {
    out += ",\"jpos\":";
    out += std::to_string(*e.jpos);
  }
  out += '}';
  return out;
}

}  // namespace iot::stream
