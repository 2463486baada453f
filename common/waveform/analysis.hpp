// Signal features of one capture (iot-waveform(1), analyze): RMS, peak, peak-to-peak,
// crest factor, Pearson's kurtosis (3 for a normal signal), and the
// spectrum: FFTW real-to-complex of the whole capture with a Hann window,
// mean removed first, as a single-sided amplitude spectrum in the signal's
// units (corrected for the window's coherent gain, so a sine of amplitude A
// reads A at its bin). Dominant peaks are local maxima, sorted by magnitude;
// their frequency and magnitude are refined by parabolic interpolation on
// the log magnitude of the three bins around the peak. Band RMS values come
// from the power spectrum (Parseval, corrected for the window's energy).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace iot::waveform {

struct Band {
  double lo_hz = 0, hi_hz = 0;  // lo <= f < hi
  double rms = 0;
};
struct Peak {
  double hz = 0;
  double magnitude = 0;
};

struct Spectrum {
  double bin_hz = 0;              // frequency step
  std::vector<double> amplitude;  // bins 0..N/2
};

struct Features {
  std::size_t sample_count = 0;
  double sample_rate_hz = 0;
  double mean = 0, rms = 0, peak = 0, peak_to_peak = 0, crest_factor = 0, kurtosis = 0;
  std::vector<Peak> dominant;  // largest first
  std::vector<Band> bands;
  Spectrum spectrum;
};

struct AnalysisOptions {
  std::size_t top_peaks = 5;
  // Band edges in Hz; empty: 10 equal bands from 0 to Nyquist.
  std::vector<Band> bands;
  double min_hz = 0;  // peaks below this are not dominant (the DC bin never is)
};

// The envelope |x + i·H(x)| (Hilbert transform by FFT): the demodulated
// amplitude, whose spectrum shows a bearing fault's impact rate where the
// plain spectrum shows only the resonance it rings.
std::vector<double> envelope(const std::vector<double>& samples);

// Fails (reason "decode") on fewer than 4 samples or a rate that is not positive.
Result<Features> analyze(const std::vector<double>& samples, double sample_rate_hz, const AnalysisOptions& options = {});
// "0-500,500-1000,1000-5000" -> bands; fails with reason "usage".
Result<std::vector<Band>> parse_bands(std::string_view text);
// {"rms":...,"peak":...,...,"dominant":[{"hz","magnitude"}],"bands":[{"lo_hz","hi_hz","rms"}]}
std::string render_features_json(const Features& f, bool with_header = true);

}  // namespace iot::waveform
