// The b64hex and b64uuid id encodings (iot-stream(5), TOPIC PATTERNS): the bytes of a tenant id (12 hex digits, 6 bytes)
// or an agent UUID (16 bytes) in unpadded base64url.
#include "codec/base64.hpp"
#include "topic/pattern.hpp"

namespace iot::topic {
namespace {

Error decode_error(std::string message) { return make_error(ErrorKind::bad_input, "decode", std::move(message)); }

// Decodes base64url of exactly `bytes` bytes, refusing padding and anything
// that would not encode back to the same text.
Result<std::string> decode_exact(std::string_view text, std::size_t chars, std::size_t bytes, const char* what) {
  if (text.size() != chars) return decode_error(std::string(what) + ": expected " + std::to_string(chars) + " characters");
  if (text.find('=') != std::string_view::npos) return decode_error(std::string(what) + ": padding");
  auto raw = codec::base64url_decode(text);
  if (!raw || raw->size() != bytes) return decode_error(std::string(what) + ": not base64url");
  return std::move(*raw);
}

bool is_uuid_dash(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

}  // namespace

Result<std::string> b64hex_decode(std::string_view text) {
  auto raw = decode_exact(text, 8, 6, "b64hex");
  if (!raw) return raw.error();
  return codec::hex_encode(*raw);
}

Result<std::string> b64hex_encode(std::string_view hex) {
  if (hex.size() != 12) return decode_error("b64hex: expected 12 hex digits");
  auto raw = codec::hex_decode(hex);
  if (!raw) return decode_error("b64hex: not hex");
  return codec::base64url_encode(*raw);
}

Result<std::string> b64uuid_decode(std::string_view text) {
  auto raw = decode_exact(text, 22, 16, "b64uuid");
  if (!raw) return raw.error();
  std::string hex = codec::hex_encode(*raw);
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < hex.size(); ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    out += hex[i];
  }
  return out;
}

Result<std::string> b64uuid_encode(std::string_view uuid) {
  std::string hex;
  if (uuid.size() == 36) {
    for (std::size_t i = 0; i < 36; ++i) {
      if (is_uuid_dash(i) != (uuid[i] == '-')) return decode_error("b64uuid: not a UUID (8-4-4-4-12)");
      if (uuid[i] != '-') hex += uuid[i];
    }
  } else if (uuid.size() == 32) {
    hex = uuid;
  } else {
    return decode_error("b64uuid: not a UUID (36 characters)");
  }
  auto raw = codec::hex_decode(hex);
  if (!raw) return decode_error("b64uuid: not hex");
  return codec::base64url_encode(*raw);
}

}  // namespace iot::topic
