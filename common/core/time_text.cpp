#include "core/time_text.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

namespace iot::time_text {
namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr std::int64_t max_ns = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t max_seconds = max_ns / 1'000'000'000 - 1;

Error time_error(std::string what) { return make_error(ErrorKind::bad_input, "schema", std::move(what)); }

// ns per unit for a Unix number of this magnitude.
double unit_scale(double magnitude) {
  if (magnitude < 1e11) return 1e9;
  if (magnitude < 1e14) return 1e6;
  if (magnitude < 1e17) return 1e3;
  return 1;
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

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

Result<std::int64_t> parse_iso_ns(std::string_view text, IsoRules rules) {
  auto bad = [&](const char* why) {
    return time_error(std::string(why) + " in \"" + std::string(text.substr(0, 64)) + "\"");
  };
  Cursor c{text};
  int y = 0, mo = 0, d = 0, hour = 0, minute = 0, second = 0;
  if (!c.digits(4, y) || !c.take('-') || !c.digits(2, mo) || !c.take('-') || !c.digits(2, d))
    return bad("not ISO 8601 (YYYY-MM-DDTHH:MM:SS[.fff]Z)");
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return bad("no such date");
  const std::int64_t day_number = sys_days{date}.time_since_epoch().count();
  if (c.done() && rules.date_only) return day_number * 86400 * 1'000'000'000;
  if (!(c.take('T') || c.take('t') || c.take(' ')) || !c.digits(2, hour) || !c.take(':') || !c.digits(2, minute))
    return bad("no time of day");
  if (c.take(':') && !c.digits(2, second)) return bad("bad seconds");
  std::int64_t fraction = 0;
  if ((c.take('.') || c.take(',')) && !read_fraction(c, fraction)) return bad("bad fraction");
  if (hour > 23 || minute > 59 || second > 60) return bad("no such time");
  std::int64_t offset_s = 0;
  if (c.done()) {
    if (rules.zone_required) return bad("no time zone (add Z or an offset)");
  } else if (!read_zone(c, offset_s)) {
    return bad("bad time zone");
  }
  std::int64_t seconds = day_number * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  if (seconds > max_seconds || seconds < -max_seconds) return bad("out of range");
  return seconds * 1'000'000'000 + fraction;
}

Result<std::int64_t> unix_integer_to_ns(std::int64_t x) {
  std::int64_t magnitude = x < 0 ? -(x + 1) : x;  // no overflow at INT64_MIN
  auto scale = static_cast<std::int64_t>(unit_scale(static_cast<double>(magnitude)));
  if (magnitude > max_ns / scale) return time_error("out of range");
  return x * scale;
}

Result<std::int64_t> unix_double_to_ns(double x) {
  if (!std::isfinite(x)) return time_error("not a finite number");
  double scale = unit_scale(std::fabs(x));
  double whole = std::trunc(x);
  if (std::fabs(whole * scale) >= 9.2e18) return time_error("out of range");
  return static_cast<std::int64_t>(whole) * static_cast<std::int64_t>(scale) +
         static_cast<std::int64_t>(std::round((x - whole) * scale));
}

std::optional<Result<std::int64_t>> parse_unix_text(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const char* end = text.data() + text.size();
  std::int64_t integer = 0;
  auto [p, ec] = std::from_chars(text.data(), end, integer);
  if (ec == std::errc::result_out_of_range) return Result<std::int64_t>(time_error("out of range"));
  if (ec != std::errc() || (p != end && *p != '.')) return std::nullopt;
  auto whole = unix_integer_to_ns(integer);
  if (p == end || !whole) return whole;
  std::int64_t scale = integer == 0 ? 1'000'000'000 : *whole / integer;
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

Result<std::int64_t> parse_time_ns(std::string_view text, IsoRules rules) {
  if (text.empty()) return time_error("empty time");
  if (auto number = parse_unix_text(text)) return *number;
  return parse_iso_ns(text, rules);
}

void append_rfc3339_micros(std::string& out, std::int64_t time_ns) {
  const std::int64_t micros = floor_div(time_ns, 1000);
  const std::int64_t secs = floor_div(micros, 1000000);
  const int frac = static_cast<int>(micros - secs * 1000000);
  const std::int64_t day_number = floor_div(secs, 86400);
  const int sod = static_cast<int>(secs - day_number * 86400);
  const year_month_day date{sys_days{days{day_number}}};
  const int y = static_cast<int>(date.year());
  const unsigned m = static_cast<unsigned>(date.month()), d = static_cast<unsigned>(date.day());
  if (y < 0 || y > 9999) {  // outside ISO 8601's four digits: rare, keep printf's spelling
    char buf[48];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", y, m, d, sod / 3600,
                          (sod / 60) % 60, sod % 60, frac);
    out.append(buf, static_cast<std::size_t>(n));
    return;
  }
  // Fixed-width digits by hand: this runs once per stored row, and snprintf
  // was 6% of iot-ingest's SQLite profile.
  char buf[27] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':',
                  '0', '0', ':', '0', '0', '.', '0', '0', '0', '0', '0', '0', 'Z'};
  auto put = [&buf](std::size_t end, unsigned value, int width) {
    for (int i = 1; i <= width; ++i, value /= 10) buf[end - i] = static_cast<char>('0' + value % 10);
  };
  put(4, static_cast<unsigned>(y), 4);
  put(7, m, 2);
  put(10, d, 2);
  put(13, static_cast<unsigned>(sod / 3600), 2);
  put(16, static_cast<unsigned>((sod / 60) % 60), 2);
  put(19, static_cast<unsigned>(sod % 60), 2);
  put(26, static_cast<unsigned>(frac), 6);
  out.append(buf, sizeof buf);
}

std::string rfc3339_micros(std::int64_t time_ns) {
  std::string s;
  append_rfc3339_micros(s, time_ns);
  return s;
}

}  // namespace iot::time_text
