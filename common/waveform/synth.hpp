// Test signals for `synth`: tones, harmonic series, Gaussian noise and an
// impulse train at a bearing fault frequency (each impact rings a decaying
// resonance), at a sample rate for a duration. Deterministic for a seed.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace iot::waveform {

struct Tone {
  double hz = 0, amplitude = 1, phase = 0;
};
struct Harmonics {
  double fundamental_hz = 0;
  int count = 0;         // fundamental plus count-1 overtones
  double amplitude = 1;  // of the fundamental; the k-th has amplitude/k
};
struct ImpulseTrain {
  double rate_hz = 0;          // the fault frequency (e.g. BPFO)
  double amplitude = 1;
  double resonance_hz = 3000;  // what each impact rings
  double decay_s = 0.002;      // the ringing's time constant
};

struct SynthSpec {
  double rate_hz = 10000;
  double duration_s = 1;
  std::vector<Tone> tones;
  std::vector<Harmonics> harmonics;
  std::vector<ImpulseTrain> impulses;
  double noise_rms = 0;
  std::uint64_t seed = 1;
};

// "HZ[:AMP[:PHASE_DEG]]", "HZ:COUNT[:AMP]", "HZ[:AMP[:RESONANCE_HZ[:DECAY_S]]]"; reason "usage" on errors.
Result<Tone> parse_tone(std::string_view text);
Result<Harmonics> parse_harmonics(std::string_view text);
Result<ImpulseTrain> parse_impulses(std::string_view text);

// Fails (reason "usage") for a rate or duration that is not positive or too long (> 100 M samples).
Result<std::vector<double>> synthesize(const SynthSpec& spec);

}  // namespace iot::waveform
