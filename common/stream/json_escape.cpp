#include "stream/json_escape.hpp"

#include "codec/json_text.hpp"

namespace iot::stream::detail {

std::size_t utf8_sequence_length(std::string_view s) {
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](std::size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;
    if (c == 0xF4 && b(1) > 0x8F) return 0;
    return 4;
  }
  return 0;
}

void append_json_string_lossy(std::string& out, std::string_view s) {
  if (codec::append_json_string(out, s)) return;
  // Rare path: split into valid runs and replacement characters.
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size()) {
      std::size_t k = utf8_sequence_length(s.substr(j));
      if (k == 0) break;
      j += k;
    }
    if (j > i) {
      std::string piece;
      (void)codec::append_json_string(piece, s.substr(i, j - i));
      out.append(piece, 1, piece.size() - 2);  // without its quotes
    }
    if (j < s.size()) {
      out += "\\ufffd";
      ++j;
    }
    i = j;
  }
  out += '"';
}

}  // namespace iot::stream::detail
