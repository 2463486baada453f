#include "cli/metrics.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace iot::cli {

void Metrics::add(const std::string& name, double delta, const std::string& help) {
  std::lock_guard lock(mutex_);
  auto& e = entries_[name];
  e.value += delta;
  if (!help.empty()) e.help = help;
}

void Metrics::set(const std::string& name, double value, const std::string& help) {
  std::lock_guard lock(mutex_);
  auto& e = entries_[name];
  e.value = value;
  // A total copied from a tool's own counter is still a counter: Prometheus
  // (and promtool's lint) expect every *_total to be one.
  e.gauge = !name.ends_with("_total");
  if (!help.empty()) e.help = help;
}

double Metrics::get(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  return it == entries_.end() ? 0 : it->second.value;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, e] : entries_) {
    std::string full = prefix_ + "_" + name;
    if (!e.help.empty()) out += fmt::format("# HELP {} {}\n", full, e.help);
    out += fmt::format("# TYPE {} {}\n{} {}\n", full, e.gauge ? "gauge" : "counter", full, e.value);
  }
  return out;
}

Status Metrics::write_file(const std::string& path) const {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return make_error(ErrorKind::io, "io", "cannot write metrics file " + tmp);
  std::string text = render();
  bool good = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  good = (std::fclose(f) == 0) && good;
  if (!good || std::rename(tmp.c_str(), path.c_str()) != 0)
    return make_error(ErrorKind::io, "io", "cannot write metrics file " + path);
  return ok_status();
}

}  // namespace iot::cli
