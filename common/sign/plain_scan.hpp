// The scanning steps of canonical JSON from plain text (canonical_plain.hpp,
// "plain" there): where a plain string run stops, where a number spelled as
// Python prints it ends, and a short-literal compare. Shared by the
// canonicalizer's layouts and iot-verify's line layouts, which must accept
// exactly the same leaves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace iot::sign::detail {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The first byte from p on that ends a plain string run: '"', '\\', below
// 0x20 or above 0x7e (end when none). Sixteen bytes a step where SSE2 is
// there (every x86-64): strings are most of a payload's bytes.
inline const char* string_stop(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20),
                del = _mm_set1_epi8(0x7f);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed compare: bytes from 0x80 up are negative, so below 0x20 too.
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                     _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del)));
    if (const int mask = _mm_movemask_epi8(hit)) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  for (; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) return p;
  }
  return end;
}

inline const char* digits_end(const char* p, const char* end) {
  while (p < end && is_digit(*p)) ++p;
  return p;
}

// The end of the number at p when it is spelled as Python prints it (see
// canonical_plain.hpp), else null; byte by byte.
inline const char* plain_number_end_bytes(const char* p, const char* end) {
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  const char* int_start = p;
  if (p < end && *p == '0') {
    ++p;
  } else if (p >= end || !is_digit(*p)) {
    return nullptr;
  } else {
    p = digits_end(p, end);
  }
  const std::size_t int_digits = static_cast<std::size_t>(p - int_start);
  const bool zero_int = int_digits == 1 && *int_start == '0';
  if (p < end && *p == '.') {
    const char* frac = ++p;
    p = digits_end(p, end);
    const std::size_t frac_digits = static_cast<std::size_t>(p - frac);
    if (frac_digits == 0) return nullptr;
    if (p < end && (*p == 'e' || *p == 'E')) return nullptr;
    if (frac_digits == 1 && frac[0] == '0') {  // integral: "12.0"
      if (int_digits > 15) return nullptr;
    } else {
      if (frac[frac_digits - 1] == '0') return nullptr;  // Python drops trailing zeros
      if (zero_int) {
        std::size_t zeros = 0;
        while (frac[zeros] == '0') ++zeros;
        if (zeros > 3 || frac_digits - zeros > 15) return nullptr;  // below 1e-4 Python writes an exponent
      } else if (int_digits + frac_digits > 15) {
        return nullptr;
      }
    }
    return p;
  }
  if (p < end && (*p == 'e' || *p == 'E')) return nullptr;
  if (int_digits > 18) return nullptr;
  if (negative && zero_int) return nullptr;  // Python's int has no -0
  return p;
}

// plain_number_end_bytes' answer, from one 16-byte look when the number and
// the byte after it fit in it (most numbers): the run of number bytes
// [-.0-9] is found at once, where the byte loop ends each number on a
// mispredicted branch. The run is only accepted whole, as the byte loop
// would read it (a '-' first only, one '.' at most, digits on both sides of
// it, no exponent after); anything else is left to the byte loop.
inline const char* plain_number_end(const char* p, const char* end) {
#if defined(__SSE2__)
  if (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Unsigned (byte - '0') < 10, as a signed compare with the sign bits flipped.
    const __m128i shifted = _mm_xor_si128(_mm_sub_epi8(v, _mm_set1_epi8('0')), _mm_set1_epi8(char(0x80)));
    const unsigned digits = unsigned(_mm_movemask_epi8(_mm_cmplt_epi8(shifted, _mm_set1_epi8(char(0x80 + 10)))));
    const unsigned dots = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.'))));
    const unsigned minus = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('-'))));
    // The bytes the checks below look at, as masks too: no load waits for len.
    const unsigned zeros = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('0'))));
    const unsigned exps = unsigned(_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('e')), _mm_cmpeq_epi8(v, _mm_set1_epi8('E')))));
    const unsigned len = unsigned(__builtin_ctz(~(digits | dots | minus)));  // at most 16
    if (len < 16) {
      const unsigned in_run = (1u << len) - 1;
      const unsigned s = minus & 1u;  // where the integer digits start
      const unsigned dot = dots & in_run;
      const bool zero_int = (zeros >> s) & 1u;
      if ((minus & in_run & ~1u) == 0 && (dot & (dot - 1)) == 0 && !((exps >> len) & 1u)) {
        if (dot == 0) {
          const unsigned int_digits = len - s;
          if (int_digits >= 1 && int_digits <= 18 && (!zero_int || (int_digits == 1 && !s))) return p + len;
        } else {
          const unsigned at = unsigned(__builtin_ctz(dot));
          const unsigned int_digits = at - s, frac_digits = len - at - 1;
          if (int_digits >= 1 && frac_digits >= 1 && (!zero_int || int_digits == 1)) {
            if (frac_digits == 1 && ((zeros >> (at + 1)) & 1u)) {  // integral: "12.0"
              if (int_digits <= 15) return p + len;
            } else if (!((zeros >> (len - 1)) & 1u)) {  // Python drops trailing zeros
              if (zero_int) {
                const unsigned leading = unsigned(__builtin_ctz(~(zeros >> (at + 1))));
                if (leading <= 3 && frac_digits - leading <= 15) return p + len;  // below 1e-4: an exponent
              } else if (int_digits + frac_digits <= 15) {
                return p + len;
              }
            }
          }
        }
      }
    }
  }
#endif
  return plain_number_end_bytes(p, end);
}

// The byte after an object's member or an array's element (white space
// skipped): ',' goes on to the next one, the container's closing byte ends
// it (p left past either); anything else is no JSON these readers take.
enum class ListStep { next, closed, bad };
inline ListStep list_step(const char*& p, const char* end, char close) {
  if (p >= end) return ListStep::bad;
  if (*p == ',') {
    ++p;
    return ListStep::next;
  }
  if (*p != close) return ListStep::bad;
  ++p;
  return ListStep::closed;
}

// memcmp(a, b, n) == 0 for the short literals of a layout (mostly a key and
// its punctuation) without a libc call: two overlapping loads, as copy_small.
inline bool same_bytes(const char* a, const char* b, std::size_t n) {
  auto load64 = [](const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  };
  auto load32 = [](const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  };
  if (n > 16) {
#if defined(__SSE2__)
    // Sixteen bytes a step, the last step overlapping: no libc call.
    auto same16 = [](const char* x, const char* y) {
      const __m128i vx = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x));
      const __m128i vy = _mm_loadu_si128(reinterpret_cast<const __m128i*>(y));
      return _mm_movemask_epi8(_mm_cmpeq_epi8(vx, vy)) == 0xFFFF;
    };
    for (std::size_t i = 0; i + 16 < n; i += 16)
      if (!same16(a + i, b + i)) return false;
    return same16(a + n - 16, b + n - 16);
#else
    return std::memcmp(a, b, n) == 0;
#endif
  }
  if (n >= 8) return ((load64(a) ^ load64(b)) | (load64(a + n - 8) ^ load64(b + n - 8))) == 0;
  if (n >= 4) return ((load32(a) ^ load32(b)) | (load32(a + n - 4) ^ load32(b + n - 4))) == 0;
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

}  // namespace iot::sign::detail
