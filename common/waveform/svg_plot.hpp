// A spectrum as an SVG image, written by hand (no library): axes with
// "nice" ticks, axis labels, a title, the amplitude curve (decimated to one
// max per pixel column so peaks survive) and the top peaks marked and
// labelled with their frequency.
#pragma once

#include <string>
#include <vector>

#include "waveform/analysis.hpp"

namespace iot::waveform {

struct PlotOptions {
  int width = 960, height = 540;
  std::string title = "Amplitude spectrum";
  std::string unit = "signal units";  // the y axis label's unit
  double max_hz = 0;                   // 0: Nyquist
};

std::string render_spectrum_svg(const Features& features, const PlotOptions& options = {});
// Tick positions covering [lo, hi] with about `count` steps of 1, 2 or 5 x 10^k.
std::vector<double> nice_ticks(double lo, double hi, int count);

}  // namespace iot::waveform
