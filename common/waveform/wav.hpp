// RIFF/WAVE reading and writing, just enough for vibration captures: PCM
// 16/32-bit and IEEE float 32/64, any channel count (channel 0 is taken).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace iot::waveform {

struct WavData {
  double rate_hz = 0;
  unsigned channels = 0;
  unsigned bits = 0;
  bool is_float = false;
  std::vector<double> samples;  // channel 0; PCM as integer values, float as is
};

// Fails (reason "decode") on anything but a well-formed RIFF WAVE with a fmt
// and a data chunk; a data chunk longer than the file is cut to what is there.
Result<WavData> read_wav(std::string_view file);
// Mono PCM 16-bit WAV of samples (rounded and clipped to int16).
std::string write_wav_pcm16(const std::vector<double>& samples, double rate_hz);

}  // namespace iot::waveform
