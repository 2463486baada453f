// The toolkit's one clock text module: points in time as ISO 8601 / RFC 3339
// text and as Unix numbers, parsed and formatted the same way by every tool
// (iot-stream(5) "Time"). Calendar arithmetic is <chrono>'s.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::time_text {

struct IsoRules {
  bool zone_required = true;  // false: no zone means UTC
  bool date_only = false;     // true: a bare date "2026-03-19" is its midnight UTC
};
// What a person types on a command line (--since, start=): zone and time of day optional.
inline constexpr IsoRules command_line_rules{false, true};

// "YYYY-MM-DD(T|t| )HH:MM[:SS][(.|,)fraction](Z|z|±HH[[:]MM])" -> ns since
// the epoch; the fraction is exact to 9 digits (more are ignored). Reason
// "schema", the message naming what is wrong and quoting the text.
Result<std::int64_t> parse_iso_ns(std::string_view text, IsoRules rules = {});

// A Unix number whose unit is told apart by magnitude: seconds below 1e11,
// milliseconds below 1e14, microseconds below 1e17, else nanoseconds.
// Reason "schema" when the result does not fit.
Result<std::int64_t> unix_integer_to_ns(std::int64_t value);
// The same for a double, whole and fractional parts scaled apart (exact for
// 1710844800.25 s).
Result<std::int64_t> unix_double_to_ns(double value);
// "1710844800", "-5", "1710844800.123" as text, the fraction read digit by
// digit; nothing when the text is not such a number.
std::optional<Result<std::int64_t>> parse_unix_text(std::string_view text);

// A point in time as text: a Unix number (parse_unix_text) or ISO 8601.
Result<std::int64_t> parse_time_ns(std::string_view text, IsoRules rules = {});

// "2026-03-19T10:40:00.123000Z": UTC, microseconds (truncated toward the
// past), as SQLite stores times and PostgreSQL's COPY reads them.
void append_rfc3339_micros(std::string& out, std::int64_t time_ns);
std::string rfc3339_micros(std::int64_t time_ns);

}  // namespace iot::time_text
