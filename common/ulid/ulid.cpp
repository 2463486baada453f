#include "ulid/ulid.hpp"

#include <chrono>

namespace iot::ulid {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32
constexpr std::uint64_t kMaxTime = (std::uint64_t(1) << 48) - 1;
constexpr std::size_t kLength = 26;

// Value of one character, or -1. Case-insensitive; I, L, O and U are not in
// the alphabet and are refused (no Crockford aliasing: a ULID has one spelling).
int char_value(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  for (int i = 0; i < 32; ++i) {
    if (kAlphabet[i] == c) return i;
  }
  return -1;
}

// The 128-bit value as two halves: 48 bits of time, 80 bits of randomness.
struct Bits {
  std::uint64_t hi = 0;  // top 64 bits
  std::uint64_t lo = 0;  // bottom 64 bits
};

Bits to_bits(const Ulid& u) {
  Bits b;
  b.hi = (u.time_ms & kMaxTime) << 16 | std::uint64_t(u.random[0]) << 8 | u.random[1];
  for (int i = 2; i < 10; ++i) b.lo = b.lo << 8 | u.random[i];
  return b;
}

Ulid from_bits(const Bits& b) {
  Ulid u;
  u.time_ms = b.hi >> 16;
  u.random[0] = static_cast<std::uint8_t>(b.hi >> 8);
  u.random[1] = static_cast<std::uint8_t>(b.hi);
  for (int i = 9; i >= 2; --i) u.random[i] = static_cast<std::uint8_t>(b.lo >> (8 * (9 - i)));
  return u;
}

// Bits [5*index, 5*index+5) counted from the top of the 130-bit big-endian
// field (two leading zero bits, then the 128-bit value) set to v.
void set5(Bits& b, int index, unsigned v) {
  int shift = 125 - 5 * index;
  for (int k = 0; k < 5; ++k) {
    int bit = shift + k;
    if (bit >= 128) continue;
    std::uint64_t one = std::uint64_t((v >> k) & 1u) << (bit % 64);
    (bit >= 64 ? b.hi : b.lo) |= one;
  }
}

// Adds one to the 80-bit random part; false when it wraps to zero.
bool increment_random(std::array<std::uint8_t, 10>& r) {
  for (int i = 9; i >= 0; --i) {
    if (++r[i] != 0) return true;
  }
  return false;
}

}  // namespace

void format_to(std::uint64_t time_ms, std::uint64_t random_hi16, std::uint64_t random_lo64, char* out) {
  // 128 bits: 48 time, 80 random; 26 characters of 5 bits (the first holds 3).
  std::uint64_t hi = (time_ms & kMaxTime) << 16 | (random_hi16 & 0xFFFF);
  std::uint64_t lo = random_lo64;
  for (int i = static_cast<int>(kLength) - 1; i >= 0; --i) {
    out[i] = kAlphabet[lo & 31];
    lo = (lo >> 5) | (hi << 59);
    hi >>= 5;
  }
}

std::string format(const Ulid& u) {
  Bits b = to_bits(u);
  std::string out(kLength, '0');
  format_to(b.hi >> 16, b.hi & 0xFFFF, b.lo, out.data());
  return out;
}

Result<Ulid> parse(std::string_view text) {
  if (text.size() != kLength) {
    return make_error(ErrorKind::bad_input, "schema", "ulid: expected 26 characters, got " + std::to_string(text.size()));
  }
  Bits b;
  for (int i = 0; i < static_cast<int>(kLength); ++i) {
    int v = char_value(text[i]);
    if (v < 0) return make_error(ErrorKind::bad_input, "schema", "ulid: invalid character");
    // The first character carries only 3 bits: anything above '7' overflows 128 bits.
    if (i == 0 && v > 7) return make_error(ErrorKind::bad_input, "schema", "ulid: value overflows 128 bits");
    set5(b, i, static_cast<unsigned>(v));
  }
  return from_bits(b);
}

Generator::Generator(std::uint64_t seed) : rng_(seed != 0 ? seed : std::random_device{}() ^ (std::uint64_t(std::random_device{}()) << 32)) {}

Ulid successor(const Ulid& u) {
  Ulid next = u;
  if (increment_random(next.random)) return next;
  if (u.time_ms >= kMaxTime) {  // nothing above: saturate
    next.random.fill(0xFF);
    next.time_ms = kMaxTime;
    return next;
  }
  next.time_ms = u.time_ms + 1;  // random part wrapped to all zeros
  return next;
}

std::string Generator::next(std::uint64_t now_ms) {
  now_ms &= kMaxTime;
  bool have_last = last_.time_ms != 0 || last_.random != std::array<std::uint8_t, 10>{};
  if (have_last && now_ms <= last_.time_ms) {
    last_ = successor(last_);
    return format(last_);
  }
  last_.time_ms = now_ms;
  std::uint64_t a = rng_(), b = rng_();
  for (int i = 0; i < 8; ++i) last_.random[i] = static_cast<std::uint8_t>(a >> (8 * i));
  last_.random[8] = static_cast<std::uint8_t>(b);
  last_.random[9] = static_cast<std::uint8_t>(b >> 8);
  return format(last_);
}

std::string Generator::next() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return next(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()));
}

}  // namespace iot::ulid
