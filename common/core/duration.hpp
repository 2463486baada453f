// Durations on the command line: "500ms", "2s", "5m", "24h", "1d"; a bare number is seconds.
#pragma once
#include <chrono>
#include <string_view>
#include "core/result.hpp"

namespace iot {
Result<std::chrono::nanoseconds> parse_duration(std::string_view text);
}
