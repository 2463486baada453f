// iot-waveform's options (man page iot-waveform(1)): four subcommands,
// send, assemble, analyze and synth, each with its own options struct.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/typed_values.hpp"

namespace iot::waveform {

struct SendOptions {
  std::vector<std::string> files;    // one capture each; "-" is stdin
  std::string format;                // input format; empty: from the extension
  cli::Rate rate;                    // Hz; 0: from the WAV header
  std::string device = "device";
  std::string topic_base = "{device}";
  std::size_t chunk_size = 16384;
  std::size_t mqtt_limit = 256u << 10;  // largest compressed capture sent over MQTT
  std::string upload_id;             // one file only; default a random UUIDv4
  std::string upload_url;            // HTTP PUT the blob, publish only `complete`
  int qos = 1;
};

struct AssembleOptions {
  std::vector<std::string> inputs;   // envelope files; none or "-": stdin
  std::string store;                 // blob store; empty: verify only
  cli::Duration timeout{"60s"};
  std::size_t max_pending = 1000;
  std::size_t max_pending_bytes = 256u << 20;
  std::size_t max_upload_bytes = 64u << 20;
  bool analyze = false;
  std::string bands;
  std::size_t top = 5;
  std::string reject_file;
  bool no_fsync = false;
  bool strict = false;
  cli::Duration http_timeout{"60s"};
};

struct AnalyzeOptions {
  std::string file;                  // a stored blob (.lz4) or raw samples
  std::string store, upload_id;      // or the upload's blob in a store
  std::string format;                // raw samples: float32_le, int16_le, csv, wav
  cli::Rate rate;                    // Hz; 0: from the sidecar
  std::string plot;                  // SVG output
  std::string bands;
  std::size_t top = 5;
  double min_hz = 0;
  double max_hz = 0;                 // plot's x range; 0: Nyquist
  std::string title;
  bool envelope = false;             // analyse the envelope (bearing faults)
};

struct SynthOptions {
  cli::Rate rate{"10000"};
  cli::Duration duration{"1s"};
  std::vector<std::string> tones, harmonics, impulses;
  double noise = 0;
  std::uint64_t seed = 1;
  std::string format = "float32_le";  // float32_le, int16_le, csv, wav
  double gain = 1;                    // multiplies every sample (int16 needs counts)
  std::string output = "-";
};

struct WaveformOptions {
  SendOptions send;
  AssembleOptions assemble;
  AnalyzeOptions analyze;
  SynthOptions synth;
  cli::LogOptions log;
  CLI::App* send_cmd = nullptr;
  CLI::App* assemble_cmd = nullptr;
  CLI::App* analyze_cmd = nullptr;
  CLI::App* synth_cmd = nullptr;
};

void define_options(CLI::App& app, WaveformOptions& options);

}  // namespace iot::waveform
