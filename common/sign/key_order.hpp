// The order canonical JSON sorts keys in (code point order, which for UTF-8
// is byte order), made cheap: most keys differ in their first 8 bytes, so a
// packed big-endian prefix decides most comparisons in one integer compare.
// Shared by the DOM canonicalizer and the plain-text one.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace iot::sign::detail {

inline uint64_t load_be64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return std::endian::native == std::endian::little ? __builtin_bswap64(v) : v;
}
inline uint64_t load_be32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return std::endian::native == std::endian::little ? __builtin_bswap32(v) : v;
}

// The key's first 8 bytes, big-endian, zero-padded. Ordering the prefixes
// orders the keys whenever the prefixes differ (a zero pad sorts like
// "shorter first"); equal prefixes fall back to the keys. Short keys are read
// in two overlapping loads (the overlap ORs a byte with itself), never past
// the key's end.
inline uint64_t key_prefix(std::string_view key) {
  const char* p = key.data();
  std::size_t n = key.size();
  if (n >= 8) return load_be64(p);
  if (n >= 4) return (load_be32(p) << 32) | (load_be32(p + n - 4) << (64 - 8 * n));
  if (n == 0) return 0;
  auto byte = [&](std::size_t i) { return uint64_t(static_cast<unsigned char>(p[i])) << (56 - 8 * i); };
  return byte(0) | byte(n / 2) | byte(n - 1);
}

// Copies n bytes with fixed-size moves the compiler inlines (short keys and
// values make a libc memcpy call the larger cost), never past either end.
inline void copy_small(char* dst, const char* src, std::size_t n) {
  if (n >= 16) {
    std::memcpy(dst, src, n);
  } else if (n >= 8) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else if (n > 0) {
    dst[0] = src[0];
    dst[n / 2] = src[n / 2];
    dst[n - 1] = src[n - 1];
  }
}

}  // namespace iot::sign::detail
