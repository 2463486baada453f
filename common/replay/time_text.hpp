// Points in time on the command line (--since, --until, start=): ISO 8601
// UTC ("2026-03-19T10:40:00Z", fraction and offset allowed, a bare date too)
// or a Unix number in seconds, ms, µs or ns told apart by magnitude, as the
// kpi timestamps of design §8.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.hpp"

namespace iot::replay {

Result<std::int64_t> parse_time_ns(std::string_view text);
// A Unix number of unknown unit -> ns (s < 1e11 <= ms < 1e14 <= µs < 1e17 <= ns).
std::int64_t unix_number_to_ns(double value);
// The same for an integer, exactly.
std::int64_t unix_int_to_ns(std::int64_t value);

}  // namespace iot::replay
