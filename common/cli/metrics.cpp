#include "cli/metrics.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace iot::cli {

Metrics::Metrics(Metrics&& other) noexcept {
  std::lock_guard lock(other.mutex_);
  prefix_ = std::move(other.prefix_);
  entries_ = std::move(other.entries_);
}

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
  // NAME_count and NAME_sum together are one summary NAME, as Prometheus
  // (and promtool's lint) expect them.
  auto summary_base = [this](const std::string& name) -> std::string {
    for (std::string_view suffix : {"_count", "_sum"}) {
      if (!name.ends_with(suffix)) continue;
      std::string base = name.substr(0, name.size() - suffix.size());
      if (entries_.contains(base + "_count") && entries_.contains(base + "_sum")) return base;
    }
    return "";
  };
  for (const auto& [name, e] : entries_) {
    std::string full = prefix_ + "_" + name;
    std::string base = summary_base(name);
    if (!base.empty()) {
      if (!name.ends_with("_count")) continue;  // written with its _count
      const Entry& sum = entries_.at(base + "_sum");
      const std::string& help = e.help.empty() ? sum.help : e.help;
      std::string family = prefix_ + "_" + base;
      if (!help.empty()) out += fmt::format("# HELP {} {}\n", family, help);
      out += fmt::format("# TYPE {} summary\n{}_sum {}\n{}_count {}\n", family, family, sum.value, family, e.value);
      continue;
    }
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
