#include "core/log.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

namespace iot::log {
namespace {
std::string g_program = "iot";
bool g_json = false;
std::atomic<int> g_level{int(Level::info)};
std::mutex g_mutex;
const char* names[] = {"error", "warning", "info", "debug"};
std::mutex g_repeat_mutex;
std::map<std::string, std::uint64_t, std::less<>> g_repeats;  // kind -> how many so far
}  // namespace

void configure(std::string_view program, std::string_view format, std::string_view level) {
  g_program = std::string(program);
  g_json = format == "json";
  {
    std::lock_guard lock(g_repeat_mutex);
    g_repeats.clear();
  }
  if (level == "error") g_level = int(Level::error);
  else if (level == "warn") g_level = int(Level::warn);
  else if (level == "debug") g_level = int(Level::debug);
  else g_level = int(Level::info);
}

bool enabled(Level level) { return int(level) <= g_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view message) {
  std::string line;
  if (g_json) {
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    nlohmann::json j{{"ts_ms", now}, {"level", names[int(level)]}, {"program", g_program},
                     {"msg", std::string(message)}};
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    line = g_program + ": " + names[int(level)] + ": " + std::string(message) + "\n";
  }
  std::lock_guard lock(g_mutex);
  fwrite(line.data(), 1, line.size(), stderr);
}

// Counts one more of `kind`; true when it is to be written. last_shown: this
// is the last one written before the rest are only counted.
bool count_repeat(std::string_view kind, bool& last_shown) {
  std::uint64_t n;
  {
    std::lock_guard lock(g_repeat_mutex);
    auto it = g_repeats.find(kind);
    if (it == g_repeats.end()) it = g_repeats.emplace(std::string(kind), 0).first;
    n = ++it->second;
  }
  if (enabled(Level::debug)) return true;
  last_shown = n == kRepeatsShown;
  return n <= kRepeatsShown;
}

void report_repeats() {
  if (enabled(Level::debug)) return;  // every one was written
  std::map<std::string, std::uint64_t, std::less<>> counts;
  {
    std::lock_guard lock(g_repeat_mutex);
    counts.swap(g_repeats);
  }
  for (const auto& [kind, n] : counts)
    if (n > kRepeatsShown && enabled(Level::warn))
      write(Level::warn, fmt::format("\"{}\": {} in all, {} not shown", kind, n, n - kRepeatsShown));
}

}  // namespace iot::log
