#include "sign/python_json.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <cstring>
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

// True when any of the 8 bytes needs escaping (SWAR: bytes below 0x20, from
// 0x7f up, '"' or '\\'); exact for "any", which is all the scan needs.
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHigh = 0x8080808080808080ull;
constexpr uint64_t has_zero_byte(uint64_t x) { return (x - kOnes) & ~x & kHigh; }
inline bool word_needs_escape(uint64_t w) {
  uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  return ((below_space | (w & kHigh) | has_zero_byte(w ^ (kOnes * 0x7f)) | has_zero_byte(w ^ (kOnes * '"')) |
           has_zero_byte(w ^ (kOnes * '\\'))) != 0);
}

// The length of the prefix of s that needs no escaping, 8 bytes at a time.
std::size_t plain_prefix(std::string_view s) {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (word_needs_escape(w)) break;
  }
  while (i < s.size() && !needs_escape(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

// Python's repr of value when it is a decimal with at most 4 fraction digits
// and |value| < 1e9 (most telemetry readings); false otherwise. Why it is
// the shortest round-trip form: r / 1e4 is the correctly rounded double of
// the decimal r * 10^-4 (r exact, one IEEE division), and every other decimal
// with as few digits differs from it by at least 1e-4, far above half an ulp
// below 1e9 (~6e-8). Writes fixed notation as repr does from 1e-4 to 1e16.
char* write_short_decimal(char* p, double value) {
  if (!(value > -1e9 && value < 1e9) || value == 0) return nullptr;
  // Any integer that passes the check below will do, so a plain rounding
  // (no libm call) is enough; |value * 1e4| < 1e13 fits int64_t.
  double scaled = value * 1e4;
  auto units = static_cast<int64_t>(scaled + (scaled >= 0 ? 0.5 : -0.5));
  if (static_cast<double>(units) / 1e4 != value) return nullptr;
  char* const limit = p + 32;
  if (units < 0) {
    *p++ = '-';
    units = -units;
  }
  p = std::to_chars(p, limit, units / 10000).ptr;
  *p++ = '.';
  auto frac = static_cast<unsigned>(units % 10000);
  if (frac == 0) {
    *p++ = '0';
  } else {
    char digits[4] = {char('0' + frac / 1000), char('0' + frac / 100 % 10), char('0' + frac / 10 % 10),
                      char('0' + frac % 10)};
    int n = 4;
    while (digits[n - 1] == '0') --n;
    for (int i = 0; i < n; ++i) *p++ = digits[i];
  }
  return p;
}

}  // namespace

bool append_python_string(std::string& out, std::string_view s) {
  std::size_t i = plain_prefix(s);
  if (i == s.size()) {  // the common case: nothing to escape
    std::size_t at = out.size();
    out.resize(at + s.size() + 2);
    char* p = out.data() + at;
    *p = '"';
    if (!s.empty()) std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    return true;
  }
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
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

bool needs_python_escape(std::string_view s) {
  // Whole words, then the tail as one overlapping word; short strings as two
  // overlapping 4-byte loads, or up to 3 bytes padded with a plain 'a'.
  const char* p = s.data();
  const std::size_t n = s.size();
  auto load64 = [](const char* at) { uint64_t w; std::memcpy(&w, at, 8); return w; };
  auto load32 = [](const char* at) { uint32_t w; std::memcpy(&w, at, 4); return uint64_t(w); };
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 <= n; i += 8)
      if (word_needs_escape(load64(p + i))) return true;
    return n % 8 != 0 && word_needs_escape(load64(p + n - 8));
  }
  if (n >= 4) return word_needs_escape(load32(p) | (load32(p + n - 4) << 32));
  if (n == 0) return false;
  auto byte = [&](std::size_t i) { return uint64_t(static_cast<unsigned char>(p[i])); };
  return word_needs_escape(byte(0) | (byte(n / 2) << 8) | (byte(n - 1) << 16) | (kOnes * 'a' << 24));
}

char* write_python_float(char* out, double value) {
  // fmt's "{}" is the shortest round-trip form with the same switch points to
  // exponent notation as Python's repr (below 1e-4, from 1e16 up) and the
  // same "e+16"/"e-05" exponent style; Python adds ".0" to integral values.
  if (char* end = write_short_decimal(out, value)) return end;
  char* end = fmt::format_to(out, FMT_COMPILE("{}"), value);  // at most 24 characters
  std::string_view written(out, static_cast<std::size_t>(end - out));
  if (written.find_first_of(".en") == std::string_view::npos) {
    *end++ = '.';
    *end++ = '0';
  }
  return end;
}

void append_python_float(std::string& out, double value) {
  char buf[kMaxPythonFloatChars];
  out.append(buf, write_python_float(buf, value));
}

std::string python_float_repr(double value) {
  std::string out;
  append_python_float(out, value);
  return out;
}

}  // namespace iot::sign
