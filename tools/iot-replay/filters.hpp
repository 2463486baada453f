// --since/--until/--device/--topic, the same for every source: recordings
// apply them as they read; synthetic fleets and stored readings are wrapped
// in a filter that inspects each line they make.
#pragma once

#include <memory>

#include "iot-replay/options.hpp"
#include "replay/record_info.hpp"
#include "iot-replay/sources.hpp"

namespace iot::replay {

bool has_filters(const ReplayOptions& o);
// True when the line's time, device and topic pass every filter given (a
// line without the field a filter asks about does not pass it).
bool passes_filters(const RecordInfo& info, const ReplayOptions& o);
// source itself when no filter is given.
std::unique_ptr<ItemSource> filtered(std::unique_ptr<ItemSource> source, const ReplayOptions& o);

}  // namespace iot::replay
