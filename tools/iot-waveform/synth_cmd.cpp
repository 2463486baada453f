// `synth`: a test signal to stdout or a file.
#include <unistd.h>

#include <chrono>
#include <fmt/format.h>

#include "cli/run.hpp"
#include "core/exit_codes.hpp"
#include "waveform/blob_store.hpp"
#include "iot-waveform/commands.hpp"
#include "waveform/samples.hpp"
#include "waveform/synth.hpp"
#include "waveform/wav.hpp"

namespace iot::waveform {
namespace {

using cli::must;

std::string render(const std::vector<double>& x, const std::string& format, double rate) {
  if (format == "wav") return write_wav_pcm16(x, rate);
  if (format == "csv") {
    std::string out;
    out.reserve(x.size() * 12);
    for (double v : x) out += fmt::format("{:.7g}\n", v);
    return out;
  }
  return must(parse_wire_format(format)) == WireFormat::int16_le ? encode_int16(x) : encode_float32(x);
}

Status write_stdout(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(1, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(ErrorKind::io, "io", "output closed");
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return ok_status();
}

}  // namespace

int run_synth(const SynthOptions& o) {
  SynthSpec spec;
  if (!(o.rate.per_second > 0)) cli::fail(make_error(ErrorKind::usage, "usage", "--rate: a sample rate above 0"));
  spec.rate_hz = o.rate.per_second;
  spec.duration_s = o.duration.seconds();
  for (const auto& t : o.tones) spec.tones.push_back(must(parse_tone(t)));
  for (const auto& h : o.harmonics) spec.harmonics.push_back(must(parse_harmonics(h)));
  for (const auto& i : o.impulses) spec.impulses.push_back(must(parse_impulses(i)));
  spec.noise_rms = o.noise;
  spec.seed = o.seed;
  auto x = must(synthesize(spec));
  for (double& v : x) v *= o.gain;
  std::string data = render(x, o.format, o.rate.per_second);
  Status st = o.output == "-" ? write_stdout(data) : write_file_atomic(o.output, data, false);
  if (!st) cli::fail(st.error());
  return exit_code::ok;
}

}  // namespace iot::waveform
