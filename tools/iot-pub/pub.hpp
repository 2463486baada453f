#pragma once

namespace iot::pub {
// The whole of iot-pub: parse options, run, return the exit status.
int run(int argc, char** argv);
}  // namespace iot::pub
