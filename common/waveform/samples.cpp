#include "waveform/samples.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "waveform/wav.hpp"

namespace iot::waveform {
namespace {

Error decode_error(std::string message) { return make_error(ErrorKind::bad_input, "decode", std::move(message)); }

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The first column of one CSV line as a number, or nothing.
std::optional<double> csv_value(std::string_view line) {
  auto cut = line.find_first_of(",;\t");
  std::string_view cell = trim(line.substr(0, cut));
  if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (ec != std::errc() || end != cell.data() + cell.size() || cell.empty() || !std::isfinite(v)) return {};
  return v;
}

Result<Capture> read_csv(std::string_view data) {
  std::vector<double> values;
  std::size_t line_no = 0;
  while (!data.empty()) {
    auto nl = data.find('\n');
    std::string_view line = trim(data.substr(0, nl));
    data.remove_prefix(nl == std::string_view::npos ? data.size() : nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    auto v = csv_value(line);
    if (!v) {
      if (values.empty() && line_no == 1) continue;  // a header
      return decode_error("CSV line " + std::to_string(line_no) + " is not a number");
    }
    values.push_back(*v);
  }
  return Capture{WireFormat::float32_le, encode_float32(values), values.size(), {}};
}

Result<Capture> from_wav(std::string_view data) {
  auto wav = read_wav(data);
  if (!wav) return wav.error();
  Capture c;
  c.rate_hz = wav->rate_hz;
  c.sample_count = wav->samples.size();
  if (!wav->is_float && wav->bits == 16) {
    c.format = WireFormat::int16_le;
    c.bytes = encode_int16(wav->samples);
  } else {
    if (!wav->is_float)  // PCM 32: full scale is 1.0, as float WAV is
      for (double& v : wav->samples) v /= 2147483648.0;
    c.bytes = encode_float32(wav->samples);
  }
  return c;
}

}  // namespace

std::string_view wire_format_name(WireFormat f) { return f == WireFormat::int16_le ? "int16_le" : "float32_le"; }

Result<WireFormat> parse_wire_format(std::string_view n) {
  if (n == "float32_le" || n == "float32" || n == "f32") return WireFormat::float32_le;
  if (n == "int16_le" || n == "int16" || n == "s16") return WireFormat::int16_le;
  return make_error(ErrorKind::bad_input, "schema", "unknown sample format '" + std::string(n) + "'");
}

std::size_t bytes_per_sample(WireFormat f) { return f == WireFormat::int16_le ? 2 : 4; }

Result<InputFormat> parse_input_format(std::string_view n) {
  if (n == "csv") return InputFormat::csv;
  if (n == "wav") return InputFormat::wav;
  auto w = parse_wire_format(n);
  if (!w) return make_error(ErrorKind::usage, "usage", "unknown input format '" + std::string(n) +
                                                           "' (float32_le, int16_le, csv, wav)");
  return *w == WireFormat::int16_le ? InputFormat::int16_le : InputFormat::float32_le;
}

InputFormat guess_input_format(std::string_view path) {
  if (ends_with(path, ".wav") || ends_with(path, ".WAV")) return InputFormat::wav;
  if (ends_with(path, ".csv") || ends_with(path, ".txt")) return InputFormat::csv;
  if (ends_with(path, ".s16") || ends_with(path, ".i16") || ends_with(path, ".int16")) return InputFormat::int16_le;
  return InputFormat::float32_le;
}

Result<Capture> read_capture(std::string_view data, InputFormat format) {
  switch (format) {
    case InputFormat::csv: return read_csv(data);
    case InputFormat::wav: return from_wav(data);
    case InputFormat::float32_le:
    case InputFormat::int16_le: {
      WireFormat w = format == InputFormat::int16_le ? WireFormat::int16_le : WireFormat::float32_le;
      if (data.size() % bytes_per_sample(w) != 0)
        return decode_error("input is not a whole number of " + std::string(wire_format_name(w)) + " samples");
      return Capture{w, std::string(data), data.size() / bytes_per_sample(w), {}};
    }
  }
  return decode_error("unknown input format");
}

Result<std::vector<double>> decode_samples(std::string_view bytes, WireFormat format) {
  std::size_t width = bytes_per_sample(format);
  if (bytes.size() % width != 0) return decode_error("blob is not a whole number of samples");
  std::vector<double> out(bytes.size() / width);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char* p = bytes.data() + i * width;
    if (format == WireFormat::int16_le) {
      auto u = static_cast<std::uint16_t>(static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[1]) << 8);
      out[i] = static_cast<std::int16_t>(u);
    } else {
      std::uint32_t u = 0;
      for (int k = 3; k >= 0; --k) u = u << 8 | static_cast<unsigned char>(p[k]);
      float f;
      std::memcpy(&f, &u, 4);
      out[i] = f;
    }
  }
  return out;
}

std::string encode_float32(const std::vector<double>& samples) {
  std::string out(samples.size() * 4, '\0');
  for (std::size_t i = 0; i < samples.size(); ++i) {
    float f = static_cast<float>(samples[i]);
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    for (int k = 0; k < 4; ++k) out[i * 4 + k] = static_cast<char>((u >> (8 * k)) & 0xff);
  }
  return out;
}

std::string encode_int16(const std::vector<double>& samples) {
  std::string out(samples.size() * 2, '\0');
  for (std::size_t i = 0; i < samples.size(); ++i) {
    auto v = static_cast<std::int16_t>(std::round(std::clamp(samples[i], -32768.0, 32767.0)));
    auto u = static_cast<std::uint16_t>(v);
    out[i * 2] = static_cast<char>(u & 0xff);
    out[i * 2 + 1] = static_cast<char>(u >> 8);
  }
  return out;
}

}  // namespace iot::waveform
