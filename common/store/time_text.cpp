#include "store/time_text.hpp"

#include <cstdio>

namespace iot::store {
namespace {

// Howard Hinnant's civil calendar algorithms (public domain).
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

void append_iso_micros(std::string& out, std::int64_t time_ns) {
  std::int64_t micros = floor_div(time_ns, 1000);
  std::int64_t secs = floor_div(micros, 1000000);
  int frac = static_cast<int>(micros - secs * 1000000);
  std::int64_t days = floor_div(secs, 86400);
  int sod = static_cast<int>(secs - days * 86400);
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
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

std::string iso_micros(std::int64_t time_ns) {
  std::string s;
  append_iso_micros(s, time_ns);
  return s;
}

std::optional<std::int64_t> parse_iso_micros(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  std::size_t pos = 19;
  std::int64_t frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::int64_t scale = 100000000;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_ns += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::string_view zone = s.substr(pos);
  if (!(zone == "Z" || zone == "+00" || zone == "+00:00" || zone.empty())) return std::nullopt;
  std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + se;
  return secs * 1000000000 + frac_ns;
}

}  // namespace iot::store
