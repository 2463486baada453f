#pragma once

namespace iot::replay {
// The whole of iot-replay: parse options, run, return the exit status.
int run(int argc, char** argv);
}  // namespace iot::replay
