#include "core/duration.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
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

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds)) return "?";
  if (seconds < 0) {
    // Not "-" + ...: GCC 12 warns (-Wrestrict) on that inlined insert, wrongly.
    std::string positive = format_duration(-seconds);
    positive.insert(positive.begin(), '-');
    return positive;
  }
  char out[48];
  // Each bound sits where the smaller unit would round up to 1000 (or 60.0).
  if (seconds < 0.9995e-3) {
    std::snprintf(out, sizeof out, "%.0fus", seconds * 1e6);
  } else if (seconds < 0.9995) {
    std::snprintf(out, sizeof out, "%.0fms", seconds * 1e3);
  } else if (seconds < 59.95) {
    std::snprintf(out, sizeof out, "%.1fs", seconds);
  } else {
    // Whole seconds from here on; the larger unit and the next one below.
    auto total = static_cast<long long>(std::llround(seconds));
    long long d = total / 86400, h = total / 3600 % 24, m = total / 60 % 60, s = total % 60;
    if (d) std::snprintf(out, sizeof out, "%lldd%02lldh", d, h);
    else if (h) std::snprintf(out, sizeof out, "%lldh%02lldm", h, m);
    else std::snprintf(out, sizeof out, "%lldm%02llds", m, s);
  }
  return out;
}

}  // namespace iot
