// The replay loop: items from a source, paced, written to stdout.
#pragma once

#include "iot-replay/options.hpp"
#include "iot-replay/sources.hpp"

namespace iot::replay {

// Returns the exit status (iot-replay(1), EXIT STATUS): 0; 74 when a file failed on the way
// (after everything before the fault was played); 69 when the database went
// away; 130 when interrupted.
int play(ItemSource& source, const ReplayOptions& options);

}  // namespace iot::replay
