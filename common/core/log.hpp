// Diagnostics on stderr only, prefixed with the program name; text or JSON
// lines (--log-format). stdout carries data only.
#pragma once

#include <fmt/format.h>
#include <string>
#include <string_view>

namespace iot::log {

enum class Level { error = 0, warn = 1, info = 2, debug = 3 };

void configure(std::string_view program, std::string_view format, std::string_view level);
bool enabled(Level level);
void write(Level level, std::string_view message);

template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::error, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::warn)) write(Level::warn, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::info)) write(Level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::debug)) write(Level::debug, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace iot::log
