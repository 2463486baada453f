// --topic-prefix and --topic-rewrite for every source (iot-replay(1); the
// rules are common/topic's, iot-pub(1) "TOPIC REWRITING"): the "topic" of each envelope
// line is replaced, every other byte of the line is kept. Lines without a
// topic (bare payloads, lines that are not JSON) pass as they are. A line
// whose new topic would not be publishable is left out with a warning:
// sending it under its old topic is what the rewrite was meant to prevent.
#pragma once

#include <memory>

#include "iot-replay/options.hpp"
#include "iot-replay/sources.hpp"

namespace iot::replay {

// source itself when neither option is given.
std::unique_ptr<ItemSource> rewritten(std::unique_ptr<ItemSource> source, const ReplayOptions& o);

}  // namespace iot::replay
