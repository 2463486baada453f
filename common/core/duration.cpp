#include "core/duration.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace iot {

Result<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  auto bad = [&] {
    return make_error(ErrorKind::usage, "usage",
                      "bad duration '" + std::string(text) + "' (use e.g. 500ms, 2s, 5m, 24h)");
  };
  if (text.empty()) return bad();
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || !std::isfinite(number) || number < 0) return bad();
  std::string_view unit(end, text.data() + text.size() - end);
  double scale = 1e9;
  if (unit.empty() || unit == "s") scale = 1e9;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "us") scale = 1e3;
  else if (unit == "ns") scale = 1;
  else if (unit == "m") scale = 60e9;
  else if (unit == "h") scale = 3600e9;
  else if (unit == "d") scale = 86400e9;
  else return bad();
  double ns = number * scale;
  if (ns > 9.2e18) return bad();
  return std::chrono::nanoseconds(static_cast<long long>(ns));
}

}  // namespace iot
