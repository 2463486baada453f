#include "iot-waveform/options.hpp"

namespace iot::waveform {
namespace {

const auto kFormats = CLI::IsMember({"float32_le", "float32", "f32", "int16_le", "int16", "s16", "csv", "wav"});

void define_send(CLI::App& app, SendOptions& o) {
  app.add_option("files", o.files, "Captures to send, one upload each (- is stdin)")->required();
  app.add_option("--format", o.format, "Input format: float32_le, int16_le, csv or wav (default: by extension)")
      ->check(kFormats);
  cli::add_rate(app, "--rate", o.rate, "Sample rate in Hz (default: from the WAV header)");
  app.add_option("--device", o.device, "Device id, {device} in --topic-base");
  app.add_option("--topic-base", o.topic_base, "Topic base: {base}/waveform/{upload_id}/...; {device} is replaced");
  app.add_option("--chunk-size", o.chunk_size, "Bytes per chunk (default 16384)")->check(CLI::Range(1, 16 << 20));
  app.add_option("--mqtt-limit", o.mqtt_limit, "Largest compressed capture sent over MQTT, in bytes (256 KiB)");
  app.add_option("--upload-id", o.upload_id, "Upload id (one file only; default: a random UUIDv4)");
  app.add_option("--upload-url", o.upload_url, "HTTP PUT the blob to this (pre-signed) URL; publish only complete");
  app.add_option("--qos", o.qos, "QoS written into the envelopes for iot-pub")->check(CLI::Range(0, 2));
}

void define_assemble(CLI::App& app, AssembleOptions& o) {
  app.add_option("inputs", o.inputs, "Envelope files (default: stdin)");
  app.add_option("--store", o.store, "Store verified blobs here, content-addressed");
  cli::add_duration(app, "--timeout", o.timeout, "Report an upload incomplete this long after its first message");
  app.add_option("--max-pending", o.max_pending, "Uploads held at once; the oldest is evicted")->check(CLI::PositiveNumber);
  app.add_option("--max-pending-bytes", o.max_pending_bytes, "Chunk bytes held at once; the oldest upload is evicted")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-upload-bytes", o.max_upload_bytes, "Largest compressed upload accepted")->check(CLI::PositiveNumber);
  app.add_flag("--analyze", o.analyze, "Add the signal features to each metadata line");
  app.add_option("--bands", o.bands, "Bands for --analyze: LO-HI,LO-HI,... in Hz (default: 10 equal bands)");
  app.add_option("--top", o.top, "Dominant frequencies reported by --analyze");
  app.add_option("--reject", o.reject_file, "Write bad lines here as reject records");
  app.add_flag("--no-fsync", o.no_fsync, "Do not fsync stored files (faster, not crash-safe)");
  app.add_flag("--strict", o.strict, "Exit 1 when any line was rejected");
  cli::add_duration(app, "--http-timeout", o.http_timeout, "Timeout of one HTTP GET of a URL upload");
}

void define_analyze(CLI::App& app, AnalyzeOptions& o) {
  app.add_option("file", o.file, "A stored blob (.lz4, its .json sidecar beside it) or raw samples");
  app.add_option("--store", o.store, "The blob store (with --upload-id)");
  app.add_option("--upload-id", o.upload_id, "Analyse this upload of --store");
  app.add_option("--format", o.format, "Raw samples: float32_le, int16_le, csv or wav (default: by extension)")
      ->check(kFormats);
  cli::add_rate(app, "--rate", o.rate, "Sample rate of raw samples, in Hz");
  app.add_option("--plot", o.plot, "Draw the spectrum into this SVG file");
  app.add_option("--bands", o.bands, "Bands: LO-HI,LO-HI,... in Hz (default: 10 equal bands)");
  app.add_option("--top", o.top, "How many dominant frequencies to report");
  app.add_option("--min-hz", o.min_hz, "Ignore peaks below this frequency");
  app.add_option("--max-hz", o.max_hz, "Upper end of the plot's frequency axis (default: Nyquist)");
  app.add_option("--title", o.title, "Title of the plot");
  app.add_flag("--envelope", o.envelope, "Analyse the envelope (Hilbert demodulation): shows a bearing fault's rate");
}

void define_synth(CLI::App& app, SynthOptions& o) {
  cli::add_rate(app, "--rate", o.rate, "Sample rate in Hz")->capture_default_str();
  cli::add_duration(app, "--duration", o.duration, "Length: 1s, 500ms, ...");
  app.add_option("--tone", o.tones, "A sine: HZ[:AMPLITUDE[:PHASE_DEG]] (repeatable)");
  app.add_option("--harmonics", o.harmonics, "A harmonic series: HZ:COUNT[:AMPLITUDE] (the k-th at AMPLITUDE/k)");
  app.add_option("--impulses", o.impulses,
                 "An impulse train at a fault frequency: HZ[:AMPLITUDE[:RESONANCE_HZ[:DECAY_S]]]");
  app.add_option("--noise", o.noise, "Gaussian noise of this RMS");
  app.add_option("--seed", o.seed, "Seed of the noise");
  app.add_option("--format", o.format, "Output: float32_le, int16_le, csv or wav (PCM 16-bit)")->check(kFormats);
  app.add_option("--gain", o.gain, "Multiply every sample (int16 and wav need counts, e.g. 1000)");
  app.add_option("-o,--output", o.output, "Output file (default: stdout)");
}

}  // namespace

void define_options(CLI::App& app, WaveformOptions& o) {
  cli::add_log_options(app, o.log);
  app.require_subcommand(1, 1);
  o.send_cmd = app.add_subcommand("send", "Compress and chunk captures into envelopes for iot-pub");
  define_send(*o.send_cmd, o.send);
  o.assemble_cmd = app.add_subcommand("assemble", "Reassemble, verify and store uploads from envelopes");
  define_assemble(*o.assemble_cmd, o.assemble);
  o.analyze_cmd = app.add_subcommand("analyze", "Signal features and spectrum of a capture, as JSON");
  define_analyze(*o.analyze_cmd, o.analyze);
  o.synth_cmd = app.add_subcommand("synth", "Make a test signal: tones, harmonics, noise, impulse trains");
  define_synth(*o.synth_cmd, o.synth);
}

}  // namespace iot::waveform
