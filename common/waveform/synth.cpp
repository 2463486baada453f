#include "waveform/synth.hpp"

#include <charconv>
#include <cmath>
#include <numbers>
#include <random>
#include <string>

namespace iot::waveform {
namespace {

Error usage(std::string_view what, std::string_view text) {
  return make_error(ErrorKind::usage, "usage", "bad " + std::string(what) + " '" + std::string(text) + "'");
}

// Splits "a:b:c" into numbers; false when a part is not a finite number.
bool numbers(std::string_view text, std::vector<double>& out) {
  out.clear();
  while (true) {
    auto colon = text.find(':');
    std::string_view part = text.substr(0, colon);
    double v = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || !std::isfinite(v)) return false;
    out.push_back(v);
    if (colon == std::string_view::npos) return true;
    text.remove_prefix(colon + 1);
  }
}

}  // namespace

Result<Tone> parse_tone(std::string_view text) {
  std::vector<double> v;
  if (!numbers(text, v) || v.size() > 3 || v[0] <= 0) return usage("tone", text);
  return Tone{v[0], v.size() > 1 ? v[1] : 1.0, v.size() > 2 ? v[2] * std::numbers::pi / 180 : 0.0};
}

Result<Harmonics> parse_harmonics(std::string_view text) {
  std::vector<double> v;
  if (!numbers(text, v) || v.size() < 2 || v.size() > 3 || v[0] <= 0 || v[1] < 1 || v[1] > 1000)
    return usage("harmonics", text);
  return Harmonics{v[0], static_cast<int>(v[1]), v.size() > 2 ? v[2] : 1.0};
}

Result<ImpulseTrain> parse_impulses(std::string_view text) {
  std::vector<double> v;
  if (!numbers(text, v) || v.size() > 4 || v[0] <= 0) return usage("impulse train", text);
  ImpulseTrain t{v[0]};
  if (v.size() > 1) t.amplitude = v[1];
  if (v.size() > 2) t.resonance_hz = v[2];
  if (v.size() > 3) t.decay_s = v[3];
  if (t.resonance_hz <= 0 || t.decay_s <= 0) return usage("impulse train", text);
  return t;
}

Result<std::vector<double>> synthesize(const SynthSpec& s) {
  if (!(s.rate_hz > 0) || !(s.duration_s > 0) || s.rate_hz * s.duration_s > 1e8)
    return make_error(ErrorKind::usage, "usage", "rate and duration must be positive, at most 100 M samples");
  const auto n = static_cast<std::size_t>(std::llround(s.rate_hz * s.duration_s));
  const double two_pi = 2 * std::numbers::pi;
  std::vector<double> x(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / s.rate_hz;
    double v = 0;
    for (const Tone& tone : s.tones) v += tone.amplitude * std::sin(two_pi * tone.hz * t + tone.phase);
    for (const Harmonics& h : s.harmonics)
      for (int k = 1; k <= h.count; ++k) v += h.amplitude / k * std::sin(two_pi * h.fundamental_hz * k * t);
    for (const ImpulseTrain& imp : s.impulses) {
      double since = std::fmod(t, 1.0 / imp.rate_hz);  // time since the last impact
      v += imp.amplitude * std::exp(-since / imp.decay_s) * std::sin(two_pi * imp.resonance_hz * since);
    }
    x[i] = v;
  }
  if (s.noise_rms > 0) {
    std::mt19937_64 rng(s.seed);
    std::normal_distribution<double> noise(0.0, s.noise_rms);
    for (double& v : x) v += noise(rng);
  }
  return x;
}

}  // namespace iot::waveform
