// The four subcommands of iot-waveform; each returns the exit status.
#pragma once

#include "iot-waveform/options.hpp"

namespace iot::waveform {

int run_send(const SendOptions& options);
int run_assemble(const AssembleOptions& options, const cli::LogOptions& log);
int run_analyze(const AnalyzeOptions& options);
int run_synth(const SynthOptions& options);

}  // namespace iot::waveform
