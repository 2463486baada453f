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
Result<Ulid> parse(std::string_view text);  // case-insensitive; I L O U refused as the spec says

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0);  // 0: seeded from std::random_device
  // Same millisecond as the last call: the random part + 1 (monotonic).
  std::string next(std::uint64_t now_ms);
  std::string next();  // now

 private:
  std::mt19937_64 rng_;
  Ulid last_{};
};

}  // namespace iot::ulid
