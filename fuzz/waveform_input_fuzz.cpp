// Fuzzes what iot-waveform reads from files: WAV, CSV and raw samples
// (send, analyze), a complete message's JSON (assemble) and the analysis of
// whatever samples come out (FFT, peaks, plot). First byte picks the path.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "waveform/analysis.hpp"
#include "waveform/protocol.hpp"
#include "waveform/samples.hpp"
#include "waveform/svg_plot.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace iot::waveform;
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: (void)parse_complete_text(input); (void)parse_topic(input); return 0;
    case 1: (void)parse_bands(input); return 0;
    default: break;
  }
  const InputFormat formats[] = {InputFormat::wav, InputFormat::csv, InputFormat::float32_le};
  auto capture = read_capture(input, formats[data[0] % 5 - 2]);
  if (!capture || capture->sample_count > 4096) return 0;
  auto samples = decode_samples(capture->bytes, capture->format);
  if (!samples) __builtin_trap();  // read_capture's bytes always decode
  auto features = analyze(*samples, capture->rate_hz.value_or(1000.0));
  if (features) (void)render_spectrum_svg(*features);
  return 0;
}
