// kpi timestamps (seed 002; design §8 "Time"): ISO 8601 text or a Unix
// number whose unit is told apart by magnitude.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "telemetry/normalize.hpp"

namespace iot::telemetry {
namespace {

using simdjson::dom::element_type;

constexpr std::int64_t max_ns = std::numeric_limits<std::int64_t>::max();

Error timestamp_error(std::string what) { return make_error(ErrorKind::bad_input, "schema", std::move(what)); }

// ns per unit for a Unix number of this magnitude: s below 1e11, ms below 1e14, us below 1e17, else ns.
double unit_scale(double magnitude) {
  if (magnitude < 1e11) return 1e9;
  if (magnitude < 1e14) return 1e6;
  if (magnitude < 1e17) return 1e3;
  return 1;
}

// Whole and fractional parts scaled apart, so 1710844800.25 s stays exact.
Result<std::int64_t> from_double(double x) {
  if (!std::isfinite(x)) return timestamp_error("not a finite number");
  double scale = unit_scale(std::fabs(x));
  double whole = std::trunc(x);
  if (std::fabs(whole * scale) >= 9.2e18) return timestamp_error("out of range");
  return static_cast<std::int64_t>(whole) * static_cast<std::int64_t>(scale) +
         static_cast<std::int64_t>(std::round((x - whole) * scale));
}

Result<std::int64_t> from_integer(std::int64_t x) {
  std::int64_t magnitude = x < 0 ? -(x + 1) : x;  // no overflow at INT64_MIN
  auto scale = static_cast<std::int64_t>(unit_scale(static_cast<double>(magnitude)));
  if (magnitude > max_ns / scale) return timestamp_error("out of range");
  return x * scale;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

// A cursor over ISO text: fixed-width digit groups and expected characters.
struct Cursor {
  std::string_view text;
  std::size_t at = 0;
  bool digits(std::size_t count, int& out) {
    if (at + count > text.size()) return false;
    out = 0;
    for (std::size_t i = 0; i < count; ++i) {
      char c = text[at + i];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    at += count;
    return true;
  }
  bool take(char c) {
    if (at < text.size() && text[at] == c) return ++at, true;
    return false;
  }
  bool done() const { return at == text.size(); }
  char peek() const { return at < text.size() ? text[at] : '\0'; }
};

// Fractional seconds after '.' or ',': up to 9 digits used, more ignored.
bool read_fraction(Cursor& c, std::int64_t& ns) {
  ns = 0;
  std::size_t count = 0;
  while (c.peek() >= '0' && c.peek() <= '9') {
    if (count < 9) ns = ns * 10 + (c.peek() - '0');
    ++count;
    ++c.at;
  }
  for (std::size_t i = count; i < 9; ++i) ns *= 10;
  return count > 0;
}

// Z, or +HH:MM / +HHMM / +HH (and '-'): the offset east of UTC in seconds.
bool read_zone(Cursor& c, std::int64_t& offset_s) {
  if (c.take('Z') || c.take('z')) return offset_s = 0, c.done();
  int sign = c.take('+') ? 1 : c.take('-') ? -1 : 0;
  int hh = 0, mm = 0;
  if (sign == 0 || !c.digits(2, hh)) return false;
  if (!c.done()) {
    c.take(':');
    if (!c.digits(2, mm)) return false;
  }
  if (hh > 23 || mm > 59 || !c.done()) return false;
  offset_s = sign * (hh * 3600 + mm * 60);
  return true;
}

Result<std::int64_t> parse_iso(std::string_view text) {
  auto bad = [&](const char* why) {
    return timestamp_error(std::string(why) + " in \"" + std::string(text.substr(0, 64)) + "\"");
  };
  Cursor c{text};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!c.digits(4, year) || !c.take('-') || !c.digits(2, month) || !c.take('-') || !c.digits(2, day))
    return bad("not ISO 8601 (YYYY-MM-DDTHH:MM:SS[.fff]Z)");
  if (month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, month))
    return bad("no such date");
  if (!(c.take('T') || c.take('t') || c.take(' ')) || !c.digits(2, hour) || !c.take(':') || !c.digits(2, minute))
    return bad("no time of day");
  if (c.take(':') && !c.digits(2, second)) return bad("bad seconds");
  std::int64_t fraction = 0;
  if ((c.take('.') || c.take(',')) && !read_fraction(c, fraction)) return bad("bad fraction");
  if (hour > 23 || minute > 59 || second > 60) return bad("no such time");
  if (c.done()) return bad("no time zone (add Z or an offset)");
  std::int64_t offset_s = 0;
  if (!read_zone(c, offset_s)) return bad("bad time zone");
  std::int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  if (seconds > max_ns / 1'000'000'000 - 1 || seconds < -(max_ns / 1'000'000'000 - 1)) return bad("out of range");
  return seconds * 1'000'000'000 + fraction;
}

// "1710844800", "-5", "1710844800.123": a Unix number written as text,
// the fraction read digit by digit (exact to the nanosecond).
std::optional<Result<std::int64_t>> parse_numeric_text(std::string_view text) {
  const char* end = text.data() + text.size();
  std::int64_t integer = 0;
  auto [p, ec] = std::from_chars(text.data(), end, integer);
  if (ec == std::errc::result_out_of_range) return Result<std::int64_t>(timestamp_error("out of range"));
  if (ec != std::errc() || (p != end && *p != '.')) return std::nullopt;
  auto whole = from_integer(integer);
  if (p == end || !whole) return whole;
  std::int64_t scale = *whole / (integer == 0 ? 1 : integer);
  if (integer == 0) scale = 1'000'000'000;
  std::int64_t fraction = 0, unit = scale;
  for (const char* c = p + 1; c < end; ++c) {
    if (*c < '0' || *c > '9') return std::nullopt;
    unit /= 10;
    fraction += (*c - '0') * unit;
  }
  if (p + 1 == end) return std::nullopt;
  bool negative = text.front() == '-';
  return Result<std::int64_t>(*whole + (negative ? -fraction : fraction));
}

}  // namespace

Result<std::int64_t> parse_timestamp_ns(simdjson::dom::element value) {
  switch (value.type()) {
    case element_type::INT64: return from_integer(value.get_int64().value());
    case element_type::UINT64: return timestamp_error("out of range");
    case element_type::DOUBLE: return from_double(value.get_double().value());
    case element_type::STRING: {
      std::string_view text = value.get_string().value();
      if (text.empty()) return timestamp_error("empty");
      if (auto number = parse_numeric_text(text)) return *number;
      return parse_iso(text);
    }
    default: return timestamp_error("not ISO 8601 text or a Unix number");
  }
}

}  // namespace iot::telemetry
