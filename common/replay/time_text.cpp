#include "replay/time_text.hpp"

#include <charconv>
#include <cmath>
#include <ctime>
#include <string>

namespace iot::replay {
namespace {

Error bad_time(std::string_view text, const char* why) {
  return make_error(ErrorKind::usage, "usage", "bad time '" + std::string(text) + "': " + why);
}

bool read_int(std::string_view s, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > s.size()) return false;
  auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + width, out);
  if (ec != std::errc() || p != s.data() + pos + width) return false;
  pos += width;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) return ++pos, true;
  return false;
}

// Days since the epoch of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + unsigned(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + std::int64_t(doe) - 719468;
}

Result<std::int64_t> parse_iso(std::string_view s) {
  std::size_t pos = 0;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!read_int(s, pos, 4, y) || !expect(s, pos, '-') || !read_int(s, pos, 2, mo) || !expect(s, pos, '-') ||
      !read_int(s, pos, 2, d))
    return bad_time(s, "expected YYYY-MM-DD");
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return bad_time(s, "month or day out of range");
  std::int64_t frac_ns = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    ++pos;
    if (!read_int(s, pos, 2, h) || !expect(s, pos, ':') || !read_int(s, pos, 2, mi))
      return bad_time(s, "expected HH:MM");
    if (expect(s, pos, ':') && !read_int(s, pos, 2, sec)) return bad_time(s, "expected seconds");
    if (h > 23 || mi > 59 || sec > 60) return bad_time(s, "time of day out of range");
    if (expect(s, pos, '.') || expect(s, pos, ',')) {
      std::int64_t scale = 100000000;
      std::size_t digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        frac_ns += (s[pos++] - '0') * scale;
        scale /= 10;
        ++digits;
      }
      if (digits == 0) return bad_time(s, "empty fraction");
    }
  }
  std::int64_t offset_s = 0;
  if (expect(s, pos, 'Z') || expect(s, pos, 'z')) {
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos++] == '-' ? -1 : 1, oh = 0, om = 0;
    if (!read_int(s, pos, 2, oh)) return bad_time(s, "bad UTC offset");
    expect(s, pos, ':');
    if (pos < s.size() && !read_int(s, pos, 2, om)) return bad_time(s, "bad UTC offset");
    offset_s = sign * (oh * 3600 + om * 60);
  }
  if (pos != s.size()) return bad_time(s, "trailing characters");
  std::int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset_s;
  return secs * 1000000000 + frac_ns;
}

}  // namespace

std::int64_t unix_number_to_ns(double v) {
  double a = std::fabs(v);
  if (a < 1e11) return std::int64_t(std::llround(v * 1e9));
  if (a < 1e14) return std::int64_t(std::llround(v * 1e6));
  if (a < 1e17) return std::int64_t(std::llround(v * 1e3));
  return std::int64_t(v);
}

std::int64_t unix_int_to_ns(std::int64_t v) {
  std::int64_t a = v < 0 ? -v : v;
  if (a < 100000000000LL) return v * 1000000000;
  if (a < 100000000000000LL) return v * 1000000;
  if (a < 100000000000000000LL) return v * 1000;
  return v;
}

Result<std::int64_t> parse_time_ns(std::string_view text) {
  if (text.empty()) return bad_time(text, "empty");
  if (text.size() >= 10 && text[4] == '-') return parse_iso(text);
  std::int64_t whole = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
  if (ec == std::errc() && p == text.data() + text.size()) return unix_int_to_ns(whole);
  double d = 0;
  auto [p2, ec2] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec2 != std::errc() || p2 != text.data() + text.size() || !std::isfinite(d))
    return bad_time(text, "expected ISO 8601 or a Unix number");
  return unix_number_to_ns(d);
}

}  // namespace iot::replay
