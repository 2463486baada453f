#include "waveform/wav.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <optional>

namespace iot::waveform {
namespace {

std::uint32_t le32(std::string_view s, std::size_t at) {
  auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + i])); };
  return b(0) | b(1) << 8 | b(2) << 16 | b(3) << 24;
}
std::uint16_t le16(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) |
                                    static_cast<unsigned char>(s[at + 1]) << 8);
}
Error bad(std::string message) { return make_error(ErrorKind::bad_input, "decode", "WAV: " + message); }

struct Fmt {
  unsigned tag = 0, channels = 0, bits = 0;
  double rate = 0;
};

double read_one(std::string_view d, std::size_t at, const Fmt& f) {
  if (f.tag == 3 && f.bits == 32) {
    float v;
    std::uint32_t u = le32(d, at);
    std::memcpy(&v, &u, 4);
    return v;
  }
  if (f.tag == 3 && f.bits == 64) {
    std::uint64_t u = le32(d, at) | static_cast<std::uint64_t>(le32(d, at + 4)) << 32;
    double v;
    std::memcpy(&v, &u, 8);
    return v;
  }
  if (f.bits == 16) return static_cast<std::int16_t>(le16(d, at));
  return static_cast<std::int32_t>(le32(d, at));
}

Result<Fmt> parse_fmt(std::string_view body) {
  if (body.size() < 16) return bad("fmt chunk too short");
  Fmt f{le16(body, 0), le16(body, 2), le16(body, 14), static_cast<double>(le32(body, 4))};
  if (f.tag == 0xFFFE && body.size() >= 26) f.tag = le16(body, 24);  // WAVE_FORMAT_EXTENSIBLE
  bool pcm = f.tag == 1 && (f.bits == 16 || f.bits == 32);
  bool flt = f.tag == 3 && (f.bits == 32 || f.bits == 64);
  if (!pcm && !flt) return bad("only PCM 16/32-bit and float 32/64 are read");
  if (f.channels == 0 || f.rate <= 0) return bad("no channels or no sample rate");
  return f;
}

}  // namespace

Result<WavData> read_wav(std::string_view d) {
  if (d.size() < 12 || d.substr(0, 4) != "RIFF" || d.substr(8, 4) != "WAVE") return bad("not a RIFF WAVE file");
  std::optional<Fmt> fmt;
  std::size_t pos = 12;
  while (pos + 8 <= d.size()) {
    std::string_view id = d.substr(pos, 4);
    std::size_t len = le32(d, pos + 4);
    std::size_t body = pos + 8;
    std::size_t avail = std::min(len, d.size() - body);
    if (id == "fmt ") {
      auto f = parse_fmt(d.substr(body, avail));
      if (!f) return f.error();
      fmt = *f;
    } else if (id == "data") {
      if (!fmt) return bad("data chunk before fmt chunk");
      std::size_t frame = static_cast<std::size_t>(fmt->channels) * (fmt->bits / 8);
      WavData out{fmt->rate, fmt->channels, fmt->bits, fmt->tag == 3, {}};
      std::size_t frames = avail / frame;
      out.samples.reserve(frames);
      for (std::size_t i = 0; i < frames; ++i) out.samples.push_back(read_one(d, body + i * frame, *fmt));
      return out;
    }
    if (len > d.size() - body) break;
    pos = body + len + (len & 1);
  }
  return bad("no data chunk");
}

std::string write_wav_pcm16(const std::vector<double>& samples, double rate_hz) {
  auto put32 = [](std::string& s, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  auto put16 = [](std::string& s, std::uint16_t v) {
    s += static_cast<char>(v & 0xff);
    s += static_cast<char>(v >> 8);
  };
  auto rate = static_cast<std::uint32_t>(std::lround(rate_hz));
  auto data_len = static_cast<std::uint32_t>(samples.size() * 2);
  std::string out = "RIFF";
  put32(out, 36 + data_len);
  out += "WAVEfmt ";
  put32(out, 16);
  put16(out, 1);
  put16(out, 1);
  put32(out, rate);
  put32(out, rate * 2);
  put16(out, 2);
  put16(out, 16);
  out += "data";
  put32(out, data_len);
  for (double v : samples) {
    double r = std::round(std::clamp(v, -32768.0, 32767.0));
    put16(out, static_cast<std::uint16_t>(static_cast<std::int16_t>(r)));
  }
  return out;
}

}  // namespace iot::waveform
