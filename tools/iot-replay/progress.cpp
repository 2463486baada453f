#include "iot-replay/progress.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <ctime>

namespace iot::replay {
namespace {

std::string utc_time(std::int64_t ns) {
  std::time_t secs = std::time_t(ns / 1000000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", tm);
}

}  // namespace

Progress::Progress(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

std::string Progress::describe(const ProgressState& s, double elapsed_s) {
  double rate = elapsed_s > 0 ? double(s.messages) / elapsed_s : 0;
  std::string line = fmt::format("{} messages, {:.0f}/s", s.messages, rate);
  if (s.position_ns) line += ", at " + utc_time(*s.position_ns);
  if (s.fraction) {
    line += fmt::format(", {:.0f}%", *s.fraction * 100);
    if (*s.fraction > 0.001 && *s.fraction < 1)
      line += fmt::format(", ETA {:.0f} s", elapsed_s * (1 - *s.fraction) / *s.fraction);
  }
  double lag_s = std::chrono::duration<double>(s.lag).count();
  if (lag_s >= 0.05) line += fmt::format(", {:.1f} s behind", lag_s);
  return line;
}

void Progress::update(const ProgressState& state, bool force) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && drawn_ && now - last_draw_ < std::chrono::milliseconds(250)) return;
  last_draw_ = now;
  drawn_ = true;
  std::string line = "\r\x1b[K" + describe(state, std::chrono::duration<double>(now - start_).count());
  [[maybe_unused]] auto n = ::write(2, line.data(), line.size());
}

void Progress::clear() {
  if (!enabled_ || !drawn_) return;
  [[maybe_unused]] auto n = ::write(2, "\r\x1b[K", 4);
  drawn_ = false;
}

}  // namespace iot::replay
