#include "codec/base64.hpp"

#include <array>
#include <cstdint>

namespace iot::codec {
namespace {

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  std::size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

std::array<int8_t, 256> make_table(const char* alphabet) {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 64; ++i) t[uint8_t(alphabet[i])] = int8_t(i);
  return t;
}

Result<std::string> decode(std::string_view in, const char* alphabet, bool require_padding) {
  static const auto std_table = make_table(kStd);
  static const auto url_table = make_table(kUrl);
  const auto& table = alphabet == kStd ? std_table : url_table;
  auto bad = [](const char* why) { return make_error(ErrorKind::bad_input, "decode", std::string("base64: ") + why); };
  std::size_t pads = 0;
  while (pads < 2 && pads < in.size() && in[in.size() - 1 - pads] == '=') ++pads;
  std::string_view body = in.substr(0, in.size() - pads);
  if (require_padding && in.size() % 4 != 0) return bad("length is not a multiple of 4");
  if (pads && in.size() % 4 != 0) return bad("misplaced padding");
  if (body.size() % 4 == 1) return bad("truncated input");
  std::string out;
  out.reserve(body.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : body) {
    int8_t v = table[uint8_t(c)];
    if (v < 0) return bad("invalid character");
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, so that every byte string has one encoding.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return bad("non-canonical trailing bits");
  return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) { return encode(bytes, kStd, true); }
Result<std::string> base64_decode(std::string_view text) { return decode(text, kStd, true); }
std::string base64url_encode(std::string_view bytes) { return encode(bytes, kUrl, false); }
Result<std::string> base64url_decode(std::string_view text) { return decode(text, kUrl, false); }

std::string hex_encode(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

Result<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2) return make_error(ErrorKind::bad_input, "decode", "hex: odd length");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return make_error(ErrorKind::bad_input, "decode", "hex: invalid character");
    out += char(hi << 4 | lo);
  }
  return out;
}

}  // namespace iot::codec
