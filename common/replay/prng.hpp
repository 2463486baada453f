// A small deterministic PRNG (xoshiro256**, seeded through splitmix64) so a
// synthetic fleet is the same for the same seed on every machine and library
// version (std::*_distribution output is implementation-defined).
#pragma once

#include <cstdint>

namespace iot::replay {

class Prng {
 public:
  explicit Prng(std::uint64_t seed) {
    for (auto& word : s_) word = splitmix(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  // Roughly normal, mean 0, sd 1 (sum of four uniforms): cheap and portable.
  double noise() { return (uniform() + uniform() + uniform() + uniform() - 2.0) * 1.7320508075688772; }
  bool chance(double p) { return p > 0 && uniform() < p; }
  std::uint64_t below(std::uint64_t n) { return n ? next() % n : 0; }

  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace iot::replay
