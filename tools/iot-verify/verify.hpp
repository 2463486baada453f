#pragma once

namespace iot::verify {
// The whole of iot-verify: parse options, run, return the exit status.
int run(int argc, char** argv);
}  // namespace iot::verify
