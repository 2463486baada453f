#include "core/log.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include <nlohmann/json.hpp>

namespace iot::log {
namespace {
std::string g_program = "iot";
bool g_json = false;
std::atomic<int> g_level{int(Level::info)};
std::mutex g_mutex;
const char* names[] = {"error", "warning", "info", "debug"};
}  // namespace

void configure(std::string_view program, std::string_view format, std::string_view level) {
  g_program = std::string(program);
  g_json = format == "json";
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

}  // namespace iot::log
