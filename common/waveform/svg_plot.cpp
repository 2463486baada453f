#include "waveform/svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace iot::waveform {
namespace {

struct Frame {
  double left = 80, top = 50, right, bottom;  // the plot area in pixels
  double max_hz, max_amp;
  double x(double hz) const { return left + (right - left) * hz / max_hz; }
  double y(double amp) const { return bottom - (bottom - top) * amp / max_amp; }
};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string tick_label(double v) { return fmt::format("{:g}", std::fabs(v) < 1e-12 ? 0.0 : v); }

std::string axes(const Frame& f, const PlotOptions& o) {
  std::string s = fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" stroke=\"#333\"/>\n", f.left,
      f.top, f.right - f.left, f.bottom - f.top);
  for (double t : nice_ticks(0, f.max_hz, 10)) {
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#333\"/>"
                     "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\" class=\"tick\">{4}</text>\n",
                     f.x(t), f.bottom, f.bottom + 5, f.bottom + 20, tick_label(t));
  }
  for (double t : nice_ticks(0, f.max_amp, 6)) {
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#ddd\"/>"
                     "<text x=\"{3:.1f}\" y=\"{4:.1f}\" text-anchor=\"end\" class=\"tick\">{5}</text>\n",
                     f.left, f.y(t), f.right, f.left - 6, f.y(t) + 4, tick_label(t));
  }
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" class=\"label\">Frequency (Hz)</text>\n",
                   (f.left + f.right) / 2, f.bottom + 42);
  s += fmt::format("<text transform=\"translate(20 {:.1f}) rotate(-90)\" text-anchor=\"middle\" class=\"label\">"
                   "Amplitude ({})</text>\n", (f.top + f.bottom) / 2, escape(o.unit));
  s += fmt::format("<text x=\"{:.1f}\" y=\"30\" text-anchor=\"middle\" class=\"title\">{}</text>\n",
                   (f.left + f.right) / 2, escape(o.title));
  return s;
}

std::string curve(const Frame& f, const Spectrum& s) {
  // One max per pixel column: a peak narrower than a pixel still shows.
  std::string pts;
  const int columns = static_cast<int>(f.right - f.left);
  std::vector<double> col(static_cast<std::size_t>(columns) + 1, -1);
  for (std::size_t k = 0; k < s.amplitude.size(); ++k) {
    double hz = static_cast<double>(k) * s.bin_hz;
    if (hz > f.max_hz) break;
    auto c = static_cast<std::size_t>(std::lround((f.x(hz) - f.left)));
    col[c] = std::max(col[c], s.amplitude[k]);
  }
  for (std::size_t c = 0; c < col.size(); ++c)
    if (col[c] >= 0) pts += fmt::format("{:.1f},{:.1f} ", f.left + static_cast<double>(c), f.y(col[c]));
  return "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1\" points=\"" + pts + "\"/>\n";
}

std::string markers(const Frame& f, const std::vector<Peak>& peaks) {
  std::string s;
  int rank = 1;
  for (const Peak& p : peaks) {
    if (p.hz > f.max_hz) continue;
    s += fmt::format("<g class=\"peak\"><circle cx=\"{0:.1f}\" cy=\"{1:.1f}\" r=\"4\" fill=\"none\" stroke=\"#d62728\"/>"
                     "<text x=\"{0:.1f}\" y=\"{2:.1f}\" text-anchor=\"middle\" class=\"peak\">{3}. {4:.1f} Hz</text></g>\n",
                     f.x(p.hz), f.y(p.magnitude), std::max(f.top + 12, f.y(p.magnitude) - 8), rank++, p.hz);
  }
  return s;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int count) {
  std::vector<double> out;
  if (!(hi > lo) || count < 1) return {lo};
  double raw = (hi - lo) / count, mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push_back(t);
  return out;
}

std::string render_spectrum_svg(const Features& features, const PlotOptions& o) {
  const Spectrum& s = features.spectrum;
  Frame f;
  f.right = o.width - 30.0;
  f.bottom = o.height - 60.0;
  double nyquist = s.bin_hz * static_cast<double>(s.amplitude.empty() ? 1 : s.amplitude.size() - 1);
  f.max_hz = o.max_hz > 0 ? std::min(o.max_hz, nyquist) : nyquist;
  if (!(f.max_hz > 0)) f.max_hz = 1;
  double top = 0;
  for (std::size_t k = 1; k < s.amplitude.size(); ++k) top = std::max(top, s.amplitude[k]);
  f.max_amp = top > 0 ? top * 1.15 : 1;
  std::string svg = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\">\n"
      "<style>text{{font-family:sans-serif;font-size:12px}} .title{{font-size:16px}} .label{{font-size:13px}} "
      "text.peak{{fill:#d62728}}</style>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      o.width, o.height);
  svg += axes(f, o);
  svg += curve(f, s);
  svg += markers(f, features.dominant);
  svg += "</svg>\n";
  return svg;
}

}  // namespace iot::waveform
