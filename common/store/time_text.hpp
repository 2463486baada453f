// Time as text: ISO 8601 UTC with microseconds, "2026-03-19T10:40:00.123000Z"
// (SQLite's stored form, design §8, and PostgreSQL COPY input).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace iot::store {

// Appends the time (ns since the epoch, truncated to µs toward -inf).
void append_iso_micros(std::string& out, std::int64_t time_ns);
std::string iso_micros(std::int64_t time_ns);
// Parses "YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+00|+00:00)" or with a space for
// 'T' (PostgreSQL's output); nullopt when it is not that.
std::optional<std::int64_t> parse_iso_micros(std::string_view text);

}  // namespace iot::store
