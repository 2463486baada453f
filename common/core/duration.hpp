// Durations on the command line: "500ms", "2s", "5m", "24h", "1d"; a bare number is seconds.
#pragma once
#include <chrono>
#include <string>
#include <string_view>
#include "core/result.hpp"

namespace iot {
Result<std::chrono::nanoseconds> parse_duration(std::string_view text);
// A duration for people, in the units parse_duration reads, two at most:
// 350ms, 1.2s, 5m03s, 6h14m, 2d03h; negative with a leading '-'.
std::string format_duration(double seconds);
}
