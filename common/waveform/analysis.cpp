#include "waveform/analysis.hpp"

#include <fftw3.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <numbers>

namespace iot::waveform {
namespace {

struct FftwFree {
  void operator()(void* p) const { fftw_free(p); }
};
struct PlanFree {
  void operator()(fftw_plan_s* p) const { fftw_destroy_plan(p); }
};
using PlanPtr = std::unique_ptr<fftw_plan_s, PlanFree>;

void time_features(const std::vector<double>& x, Features& f) {
  double sum = 0, sq = 0, lo = x[0], hi = x[0];
  for (double v : x) {
    sum += v;
    sq += v * v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const double n = static_cast<double>(x.size());
  f.mean = sum / n;
  f.rms = std::sqrt(sq / n);
  f.peak = std::max(std::fabs(lo), std::fabs(hi));
  f.peak_to_peak = hi - lo;
  f.crest_factor = f.rms > 0 ? f.peak / f.rms : 0;
  double m2 = 0, m4 = 0;
  for (double v : x) {
    double d = (v - f.mean) * (v - f.mean);
    m2 += d;
    m4 += d * d;
  }
  m2 /= n;
  m4 /= n;
  f.kurtosis = m2 > 0 ? m4 / (m2 * m2) : 0;
}

// |X_k|^2 for k = 0..N/2 of the windowed, mean-removed signal; also the window sums.
std::vector<double> power_bins(const std::vector<double>& x, double mean, double& sum_w, double& sum_w2) {
  const std::size_t n = x.size();
  std::unique_ptr<double, FftwFree> in(static_cast<double*>(fftw_malloc(sizeof(double) * n)));
  std::unique_ptr<fftw_complex, FftwFree> out(static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * (n / 2 + 1))));
  PlanPtr plan(fftw_plan_dft_r2c_1d(static_cast<int>(n), in.get(), out.get(), FFTW_ESTIMATE));
  sum_w = sum_w2 = 0;
  for (std::size_t i = 0; i < n; ++i) {  // periodic Hann
    double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n));
    sum_w += w;
    sum_w2 += w * w;
    in.get()[i] = (x[i] - mean) * w;
  }
  fftw_execute(plan.get());
  std::vector<double> p(n / 2 + 1);
  for (std::size_t k = 0; k < p.size(); ++k) p[k] = out.get()[k][0] * out.get()[k][0] + out.get()[k][1] * out.get()[k][1];
  return p;
}

// Single-sided: every bin but DC and (even N) Nyquist counts twice.
double side_factor(std::size_t k, std::size_t n) { return (k == 0 || (n % 2 == 0 && k == n / 2)) ? 1.0 : 2.0; }

std::vector<Peak> find_peaks(const Spectrum& s, std::size_t top, double min_hz) {
  const auto& a = s.amplitude;
  std::vector<Peak> peaks;
  for (std::size_t k = 1; k + 1 < a.size(); ++k) {
    if (!(a[k] > a[k - 1] && a[k] >= a[k + 1]) || a[k] <= 0) continue;
    double hz = static_cast<double>(k) * s.bin_hz, mag = a[k];
    if (a[k - 1] > 0 && a[k + 1] > 0) {
      double l = std::log(a[k - 1]), c = std::log(a[k]), r = std::log(a[k + 1]);
      double denom = l - 2 * c + r;
      if (denom < 0) {
        double d = 0.5 * (l - r) / denom;
        hz = (static_cast<double>(k) + d) * s.bin_hz;
        mag = std::exp(c - 0.25 * (l - r) * d);
      }
    }
    if (hz >= min_hz) peaks.push_back({hz, mag});
  }
  std::sort(peaks.begin(), peaks.end(), [](const Peak& x, const Peak& y) { return x.magnitude > y.magnitude; });
  if (peaks.size() > top) peaks.resize(top);
  return peaks;
}

std::vector<Band> default_bands(double nyquist) {
  std::vector<Band> b;
  for (int i = 0; i < 10; ++i) b.push_back({nyquist * i / 10, i == 9 ? nyquist * 1.000001 : nyquist * (i + 1) / 10, 0});
  return b;
}

std::string num(double v) {
  if (!std::isfinite(v)) return "null";
  return fmt::format("{:.6g}", v);
}

}  // namespace

std::vector<double> envelope(const std::vector<double>& x) {
  const std::size_t n = x.size();
  if (n < 2) return std::vector<double>(n, 0.0);
  std::unique_ptr<fftw_complex, FftwFree> buf(static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * n)));
  fftw_complex* z = buf.get();
  PlanPtr forward(fftw_plan_dft_1d(static_cast<int>(n), z, z, FFTW_FORWARD, FFTW_ESTIMATE));
  PlanPtr backward(fftw_plan_dft_1d(static_cast<int>(n), z, z, FFTW_BACKWARD, FFTW_ESTIMATE));
  for (std::size_t i = 0; i < n; ++i) {
    z[i][0] = x[i];
    z[i][1] = 0;
  }
  fftw_execute(forward.get());
  // The analytic signal: positive frequencies doubled, negative ones removed.
  for (std::size_t k = 1; k < n; ++k) {
    double gain = (2 * k < n) ? 2.0 : (2 * k == n ? 1.0 : 0.0);
    z[k][0] *= gain;
    z[k][1] *= gain;
  }
  fftw_execute(backward.get());
  std::vector<double> env(n);
  const double scale = 1.0 / static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) env[i] = std::hypot(z[i][0], z[i][1]) * scale;
  return env;
}

Result<Features> analyze(const std::vector<double>& x, double rate, const AnalysisOptions& options) {
  if (x.size() < 4) return make_error(ErrorKind::bad_input, "decode", "fewer than 4 samples");
  if (!(rate > 0) || !std::isfinite(rate)) return make_error(ErrorKind::bad_input, "decode", "sample rate is not positive");
  if (x.size() > (1u << 30)) return make_error(ErrorKind::too_large, "too_large", "capture too long to analyse");
  Features f;
  f.sample_count = x.size();
  f.sample_rate_hz = rate;
  time_features(x, f);
  const std::size_t n = x.size();
  double sum_w = 0, sum_w2 = 0;
  std::vector<double> p = power_bins(x, f.mean, sum_w, sum_w2);
  f.spectrum.bin_hz = rate / static_cast<double>(n);
  f.spectrum.amplitude.resize(p.size());
  for (std::size_t k = 0; k < p.size(); ++k) f.spectrum.amplitude[k] = side_factor(k, n) * std::sqrt(p[k]) / sum_w;
  f.dominant = find_peaks(f.spectrum, options.top_peaks, options.min_hz);
  f.bands = options.bands.empty() ? default_bands(rate / 2) : options.bands;
  for (auto& band : f.bands) {
    double ms = 0;
    for (std::size_t k = 0; k < p.size(); ++k) {
      double hz = static_cast<double>(k) * f.spectrum.bin_hz;
      if (hz >= band.lo_hz && hz < band.hi_hz) ms += side_factor(k, n) * p[k];
    }
    band.rms = std::sqrt(ms / (static_cast<double>(n) * sum_w2));
  }
  for (auto& band : f.bands) band.hi_hz = std::min(band.hi_hz, rate / 2);
  return f;
}

Result<std::vector<Band>> parse_bands(std::string_view text) {
  std::vector<Band> out;
  if (text.empty() || text.back() == ',')
    return make_error(ErrorKind::usage, "usage", "bad bands '" + std::string(text) + "' (LO-HI,LO-HI,...)");
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    auto dash = item.find('-');
    double lo = 0, hi = 0;
    bool good = dash != std::string_view::npos;
    if (good) {
      auto r1 = std::from_chars(item.data(), item.data() + dash, lo);
      auto r2 = std::from_chars(item.data() + dash + 1, item.data() + item.size(), hi);
      good = r1.ec == std::errc() && r2.ec == std::errc() && r1.ptr == item.data() + dash &&
             r2.ptr == item.data() + item.size() && lo >= 0 && hi > lo;
    }
    if (!good) return make_error(ErrorKind::usage, "usage", "bad band '" + std::string(item) + "' (LO-HI in Hz, LO < HI)");
    out.push_back({lo, hi, 0});
  }
  return out;
}

std::string render_features_json(const Features& f, bool with_header) {
  std::string out = "{";
  if (with_header) out += fmt::format("\"sample_count\":{},\"sample_rate_hz\":{},", f.sample_count, num(f.sample_rate_hz));
  out += fmt::format("\"rms\":{},\"peak\":{},\"peak_to_peak\":{},\"crest_factor\":{},\"kurtosis\":{},\"dominant\":[",
                     num(f.rms), num(f.peak), num(f.peak_to_peak), num(f.crest_factor), num(f.kurtosis));
  for (std::size_t i = 0; i < f.dominant.size(); ++i)
    out += fmt::format("{}{{\"hz\":{},\"magnitude\":{}}}", i ? "," : "", num(f.dominant[i].hz), num(f.dominant[i].magnitude));
  out += "],\"bands\":[";
  for (std::size_t i = 0; i < f.bands.size(); ++i)
    out += fmt::format("{}{{\"lo_hz\":{},\"hi_hz\":{},\"rms\":{}}}", i ? "," : "", num(f.bands[i].lo_hz),
                       num(f.bands[i].hi_hz), num(f.bands[i].rms));
  out += "]}";
  return out;
}

}  // namespace iot::waveform
