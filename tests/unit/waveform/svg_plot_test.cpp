#include "waveform/svg_plot.hpp"

#include <gtest/gtest.h>

#include "waveform/synth.hpp"

namespace iot::waveform {
namespace {

TEST(SvgPlot, NiceTicks) {
  EXPECT_EQ(nice_ticks(0, 5000, 10), (std::vector<double>{0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000}));
  EXPECT_EQ(nice_ticks(0, 1.1, 6).back(), 1.0);
}

TEST(SvgPlot, HasAxesLabelsAndLabelledPeaks) {
  SynthSpec s;
  s.tones = {{157.0, 1, 0}, {1200.0, 0.3, 0}};
  auto f = analyze(*synthesize(s), 10000);
  ASSERT_TRUE(f);
  PlotOptions o;
  o.title = "a <title> & more";
  std::string svg = render_spectrum_svg(*f, o);
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg.find("Frequency (Hz)"), std::string::npos);
  EXPECT_NE(svg.find("Amplitude ("), std::string::npos);
  EXPECT_NE(svg.find("1. 157.0 Hz"), std::string::npos);
  EXPECT_NE(svg.find("2. 1200.0 Hz"), std::string::npos);
  EXPECT_NE(svg.find("a &lt;title&gt; &amp; more"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace iot::waveform
