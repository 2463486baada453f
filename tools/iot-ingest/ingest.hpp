#pragma once

namespace iot::ingest {
// The whole of iot-ingest: parse options, run, return the exit status.
int run(int argc, char** argv);
}  // namespace iot::ingest
