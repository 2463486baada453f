// Sample formats of a waveform capture: what `send` reads and what a blob
// holds once decompressed. The wire formats (the complete message's "format" field) are
// float32_le and int16_le; CSV and WAV are input formats only, turned into
// one of the two before sending.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace iot::waveform {

enum class WireFormat { float32_le, int16_le };

std::string_view wire_format_name(WireFormat format);
// "float32_le" (also "float32", "f32"), "int16_le" (also "int16", "s16").
Result<WireFormat> parse_wire_format(std::string_view name);
std::size_t bytes_per_sample(WireFormat format);

// Samples ready to send: the raw little-endian bytes of one wire format.
struct Capture {
  WireFormat format = WireFormat::float32_le;
  std::string bytes;                  // sample_count * bytes_per_sample(format)
  std::size_t sample_count = 0;
  std::optional<double> rate_hz;      // from a WAV header, else unknown
};

// Input formats of `send` and `analyze`: the two wire formats, csv (one
// number a line, or the first column; a non-numeric first line is a header)
// and wav (RIFF PCM 16/32-bit or IEEE float 32/64; channel 0 of several).
enum class InputFormat { float32_le, int16_le, csv, wav };
Result<InputFormat> parse_input_format(std::string_view name);
// From the file name's extension: .wav, .csv, .s16/.i16/.int16, else float32.
InputFormat guess_input_format(std::string_view path);

// Fails with reason "decode" on a truncated sample, a bad number or a bad WAV.
Result<Capture> read_capture(std::string_view data, InputFormat format);

// The samples of raw wire bytes as doubles, in the signal's units (int16
// values as they are). Fails when the size is not a whole number of samples.
Result<std::vector<double>> decode_samples(std::string_view bytes, WireFormat format);
// Doubles to float32 LE bytes.
std::string encode_float32(const std::vector<double>& samples);
std::string encode_int16(const std::vector<double>& samples);  // rounded, clipped

}  // namespace iot::waveform
