#pragma once

namespace iot::sub {
// The whole of iot-sub: parse options, run, return the exit status.
int run(int argc, char** argv);
}  // namespace iot::sub
