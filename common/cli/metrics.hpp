// Counters a tool exposes in --metrics-file (Prometheus text format,
// written atomically: temp file + rename).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "core/result.hpp"

namespace iot::cli {

class Metrics {
 public:
  explicit Metrics(std::string prefix) : prefix_(std::move(prefix)) {}
  // Movable, so that a tool's function can build one for both --metrics-file
  // and --metrics-listen.
  Metrics(Metrics&& other) noexcept;
  void add(const std::string& name, double delta = 1, const std::string& help = "");
  void set(const std::string& name, double value, const std::string& help = "");
  double get(const std::string& name) const;
  std::string render() const;  // Prometheus exposition text
  Status write_file(const std::string& path) const;

 private:
  struct Entry { double value = 0; std::string help; bool gauge = false; };
  std::string prefix_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace iot::cli
