#include "waveform/synth.hpp"

#include <gtest/gtest.h>

#include "waveform/analysis.hpp"

namespace iot::waveform {
namespace {

TEST(Synth, ParsesSpecs) {
  auto t = parse_tone("120:0.5");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->hz, 120);
  EXPECT_EQ(t->amplitude, 0.5);
  EXPECT_FALSE(parse_tone("-1"));
  EXPECT_FALSE(parse_tone("1:2:3:4"));
  EXPECT_EQ(parse_harmonics("50:4")->count, 4);
  EXPECT_FALSE(parse_harmonics("50"));
  EXPECT_EQ(parse_impulses("87.3:2:3500")->resonance_hz, 3500);
  EXPECT_FALSE(parse_impulses("x"));
}

TEST(Synth, LengthAndDeterminism) {
  SynthSpec s;
  s.rate_hz = 25600;
  s.duration_s = 0.5;
  s.noise_rms = 1;
  auto a = synthesize(s), b = synthesize(s);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size(), 12800u);
  EXPECT_EQ(*a, *b);
  s.duration_s = 0;
  EXPECT_FALSE(synthesize(s));
}

TEST(Synth, ImpulseTrainIsImpulsive) {
  SynthSpec s;
  s.impulses = {{87.0, 1, 3000, 0.001}};
  auto f = analyze(*synthesize(s), s.rate_hz);
  ASSERT_TRUE(f);
  EXPECT_GT(f->kurtosis, 5.0);  // bearing-fault impacts: far above a normal signal's 3
  EXPECT_GT(f->crest_factor, 3.0);
}

TEST(Synth, HarmonicsPeakAtMultiples) {
  SynthSpec s;
  s.harmonics = {{100, 3, 1}};
  auto f = analyze(*synthesize(s), s.rate_hz);
  ASSERT_TRUE(f);
  ASSERT_GE(f->dominant.size(), 3u);
  EXPECT_NEAR(f->dominant[0].hz, 100, 1);
  EXPECT_NEAR(f->dominant[1].hz, 200, 1);
  EXPECT_NEAR(f->dominant[2].hz, 300, 1);
}

}  // namespace
}  // namespace iot::waveform
