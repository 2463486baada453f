#include "waveform/analysis.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "waveform/synth.hpp"

namespace iot::waveform {
namespace {

std::vector<double> tones(std::vector<Tone> t, double rate = 10000, double seconds = 1, double noise = 0) {
  SynthSpec s;
  s.rate_hz = rate;
  s.duration_s = seconds;
  s.tones = std::move(t);
  s.noise_rms = noise;
  return *synthesize(s);
}

TEST(Analysis, FindsTonesWithinOneBinAndTheirAmplitudes) {
  // 123.4 Hz and 2047.7 Hz fall between bins (bin = 1 Hz at 10 kHz for 1 s).
  auto x = tones({{123.4, 2.0, 0}, {2047.7, 0.5, 0}}, 10000, 1, 0.01);
  auto f = analyze(x, 10000);
  ASSERT_TRUE(f);
  ASSERT_GE(f->dominant.size(), 2u);
  EXPECT_NEAR(f->dominant[0].hz, 123.4, f->spectrum.bin_hz);
  EXPECT_NEAR(f->dominant[1].hz, 2047.7, f->spectrum.bin_hz);
  EXPECT_NEAR(f->dominant[0].magnitude, 2.0, 2.0 * 0.05);
  EXPECT_NEAR(f->dominant[1].magnitude, 0.5, 0.5 * 0.05);
}

TEST(Analysis, TimeFeaturesOfASine) {
  auto x = tones({{50, 3.0, 0}}, 10000, 1);
  auto f = analyze(x, 10000);
  ASSERT_TRUE(f);
  EXPECT_NEAR(f->rms, 3.0 / std::sqrt(2.0), 1e-3);
  EXPECT_NEAR(f->peak, 3.0, 1e-3);
  EXPECT_NEAR(f->peak_to_peak, 6.0, 2e-3);
  EXPECT_NEAR(f->crest_factor, std::sqrt(2.0), 1e-3);
  EXPECT_NEAR(f->kurtosis, 1.5, 1e-2);  // a sine's Pearson kurtosis
}

TEST(Analysis, GaussianNoiseHasKurtosisNearThree) {
  SynthSpec s;
  s.noise_rms = 1;
  s.duration_s = 2;
  auto f = analyze(*synthesize(s), 10000);
  ASSERT_TRUE(f);
  EXPECT_NEAR(f->kurtosis, 3.0, 0.15);
  EXPECT_NEAR(f->rms, 1.0, 0.03);
}

TEST(Analysis, BandRmsSplitsTheEnergy) {
  auto x = tones({{100, 1.0, 0}, {3000, 2.0, 0}});
  AnalysisOptions o;
  o.bands = *parse_bands("0-1000,1000-5000");
  auto f = analyze(x, 10000, o);
  ASSERT_TRUE(f);
  ASSERT_EQ(f->bands.size(), 2u);
  EXPECT_NEAR(f->bands[0].rms, 1.0 / std::sqrt(2.0), 0.02);
  EXPECT_NEAR(f->bands[1].rms, 2.0 / std::sqrt(2.0), 0.04);
}

TEST(Analysis, RefusesTooFewSamplesAndBadBands) {
  EXPECT_FALSE(analyze({1, 2, 3}, 100));
  EXPECT_FALSE(analyze({1, 2, 3, 4}, 0));
  EXPECT_FALSE(parse_bands("10-5"));
  EXPECT_FALSE(parse_bands("abc"));
  EXPECT_FALSE(parse_bands("1-2,"));
}

TEST(Analysis, JsonHasTheDesignFields) {
  auto f = analyze(tones({{440, 1, 0}}), 10000);
  ASSERT_TRUE(f);
  std::string j = render_features_json(*f);
  for (const char* key : {"\"rms\":", "\"peak\":", "\"peak_to_peak\":", "\"crest_factor\":", "\"kurtosis\":",
                          "\"dominant\":[{\"hz\":", "\"bands\":[{\"lo_hz\":"})
    EXPECT_NE(j.find(key), std::string::npos) << key;
}

}  // namespace
}  // namespace iot::waveform

namespace iot::waveform {
namespace {

TEST(Analysis, EnvelopeSpectrumShowsTheFaultRate) {
  SynthSpec s;
  s.impulses = {{87.0, 1, 3000, 0.002}};
  auto x = *synthesize(s);
  auto plain = analyze(x, s.rate_hz);
  auto env = analyze(envelope(x), s.rate_hz);
  ASSERT_TRUE(plain && env);
  EXPECT_GT(std::fabs(plain->dominant[0].hz - 87.0), 500.0);  // the resonance, not the fault
  EXPECT_NEAR(env->dominant[0].hz, 87.0, env->spectrum.bin_hz);
}

TEST(Analysis, EnvelopeOfAModulatedToneIsItsAmplitude) {
  std::vector<double> x(1000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 2.0 * std::sin(2 * std::numbers::pi * 100 * static_cast<double>(i) / 1000);
  auto e = envelope(x);
  for (std::size_t i = 100; i < 900; ++i) EXPECT_NEAR(e[i], 2.0, 1e-6);
}

}  // namespace
}  // namespace iot::waveform
