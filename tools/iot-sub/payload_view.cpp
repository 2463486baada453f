#include "iot-sub/payload_view.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "codec/json_text.hpp"
#include "iot-sub/json_pretty.hpp"
#include "iot-sub/terminal_style.hpp"

namespace iot::sub {
namespace {

constexpr std::size_t kHexShown = 32;

bool is_printable_text(std::string_view bytes) {
  for (unsigned char c : bytes)
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return false;
  return codec::is_valid_utf8(bytes);
}

void append_json(std::string& out, std::string_view json, const PayloadViewSettings& s) {
  if (s.dict) {
    if (auto expanded = s.dict->expand(json)) {
      append_pretty_json(out, *expanded, s.color);
      return;
    }
  }
  append_pretty_json(out, json, s.color);
}

void append_bytes(std::string& out, std::string_view bytes, bool color) {
  std::string head = fmt::format("({} bytes)", bytes.size());
  style::append_styled(out, head, style::dim, color);
  for (std::size_t i = 0; i < bytes.size() && i < kHexShown; ++i)
    fmt::format_to(std::back_inserter(out), " {:02x}", static_cast<unsigned char>(bytes[i]));
  if (bytes.size() > kHexShown) out += " ...";
}

}  // namespace

void append_payload_view(std::string& out, std::string_view payload, const PayloadViewSettings& s) {
  if (payload.empty()) {
    style::append_styled(out, "(empty)", style::dim, s.color);
    return;
  }
  if (is_printable_text(payload)) {
    if (nlohmann::json::accept(payload)) append_json(out, payload, s);
    else out += payload;
    return;
  }
  codec::DecodedPayload decoded = codec::decode_payload(payload, s.limits);
  if (decoded.enc == codec::Encoding::binary) {
    append_bytes(out, payload, s.color);
    return;
  }
  style::append_styled(out, "(" + std::string(codec::encoding_name(decoded.enc)) + ")", style::dim, s.color);
  out += ' ';
  append_json(out, decoded.json, s);
}

}  // namespace iot::sub
