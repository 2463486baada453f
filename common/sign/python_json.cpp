#include "sign/python_json.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <iterator>

#include "sign/canonical_json.hpp"

namespace iot::sign {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_u_escape(std::string& out, uint32_t unit) {
  char buf[6] = {'\\', 'u', kHex[(unit >> 12) & 15], kHex[(unit >> 8) & 15], kHex[(unit >> 4) & 15],
                 kHex[unit & 15]};
  out.append(buf, 6);
}

// True for the bytes Python's ESCAPE_ASCII regex ([\\"]|[^\ -~]) matches.
constexpr bool needs_escape(unsigned char c) { return c < 0x20 || c >= 0x7f || c == '"' || c == '\\'; }

void append_ascii_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    default: append_u_escape(out, c);
  }
}

// Decodes one UTF-8 sequence starting at s[i] (s[i] >= 0x80); returns its
// length, or 0 when it is not well-formed (RFC 3629 table).
std::size_t decode_utf8(std::string_view s, std::size_t i, uint32_t& cp) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c >= 0xC2 && c <= 0xDF) {
    if (!cont(1)) return 0;
    cp = (uint32_t(c & 0x1F) << 6) | (b(1) & 0x3F);
    return 2;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    cp = (uint32_t(c & 0x0F) << 12) | (uint32_t(b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    cp = (uint32_t(c & 0x07) << 18) | (uint32_t(b(1) & 0x3F) << 12) | (uint32_t(b(2) & 0x3F) << 6) |
         (b(3) & 0x3F);
    if (cp < 0x10000 || cp > 0x10FFFF) return 0;
    return 4;
  }
  return 0;
}

}  // namespace

bool append_python_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (!needs_escape(c)) {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    if (c < 0x80) {
      append_ascii_escape(out, c);
      ++i;
    } else {
      uint32_t cp = 0;
      std::size_t len = decode_utf8(s, i, cp);
      if (len == 0) return false;
      if (cp >= 0x10000) {
        cp -= 0x10000;
        append_u_escape(out, 0xD800 + (cp >> 10));
        append_u_escape(out, 0xDC00 + (cp & 0x3FF));
      } else {
        append_u_escape(out, cp);
      }
      i += len;
    }
    run = i;
  }
  out.append(s.data() + run, i - run);
  out += '"';
  return true;
}

void append_python_float(std::string& out, double value) {
  // fmt's "{}" is the shortest round-trip form with the same switch points to
  // exponent notation as Python's repr (below 1e-4, from 1e16 up) and the
  // same "e+16"/"e-05" exponent style; Python adds ".0" to integral values.
  std::size_t start = out.size();
  fmt::format_to(std::back_inserter(out), "{}", value);
  std::string_view written(out.data() + start, out.size() - start);
  if (written.find_first_of(".en") == std::string_view::npos) out += ".0";
}

std::string python_float_repr(double value) {
  std::string out;
  append_python_float(out, value);
  return out;
}

}  // namespace iot::sign
