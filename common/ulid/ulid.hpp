// ULIDs (github.com/ulid/spec): 48-bit ms time + 80 random bits, Crockford
// base32, 26 characters. The generator is monotonic within a millisecond.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::ulid {

struct Ulid {
  std::uint64_t time_ms = 0;
  std::array<std::uint8_t, 10> random{};
};

std::string format(const Ulid& u);
// The same 26 characters written to out, from the time and the random part's
// top 16 and bottom 64 bits (the hot path of the synthetic fleet: no allocation).
void format_to(std::uint64_t time_ms, std::uint64_t random_hi16, std::uint64_t random_lo64, char* out);
Result<Ulid> parse(std::string_view text);  // case-insensitive; I L O U refused as the spec says

// The next ULID in a millisecond: the 80-bit random part + 1. When it would
// overflow (the spec lets a generator fail there), the time advances by 1 ms
// and the random part restarts at 0, so the order stays strictly increasing.
// At the last representable millisecond the value saturates (year 10889).
Ulid successor(const Ulid& u);

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0);  // 0: seeded from std::random_device
  // Same millisecond as the last call, or a clock that went backwards: the
  // successor() of the last ULID (monotonic); a later millisecond: fresh
  // randomness.
  std::string next(std::uint64_t now_ms);
  std::string next();  // now

 private:
  std::mt19937_64 rng_;
  Ulid last_{};
};

}  // namespace iot::ulid
