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

// Warnings that can come once per input line (a rejected line, a refused
// message): the first kRepeatsShown of each `kind` are written, the rest only
// counted (all are written at --log-level debug), and report_repeats() says
// at exit how many each kind held back. run_tool calls it for every tool.
inline constexpr int kRepeatsShown = 5;
bool count_repeat(std::string_view kind, bool& last_shown);
void report_repeats();

template <class... Args>
void warn_repeated(std::string_view kind, fmt::format_string<Args...> f, Args&&... args) {
  if (!enabled(Level::warn)) return;
  bool last_shown = false;
  if (!count_repeat(kind, last_shown)) return;
  write(Level::warn, fmt::format(f, std::forward<Args>(args)...));
  if (last_shown)
    write(Level::warn, fmt::format("further \"{}\" warnings are only counted (--log-level debug shows each)", kind));
}

}  // namespace iot::log
