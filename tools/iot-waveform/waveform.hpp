#pragma once

namespace iot::waveform {
// The whole of iot-waveform: parse options, run, return the exit status.
int run(int argc, char** argv);
}  // namespace iot::waveform
