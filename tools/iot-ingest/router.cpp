#include "iot-ingest/router.hpp"

namespace iot::ingest {

Status Router::add(const std::string& pattern, Route route) {
  auto parsed = topic::TopicPattern::parse(pattern);
  if (!parsed) return parsed.error();
  if (route.name.empty()) route.name = pattern;
  routes_.emplace_back(std::move(*parsed), std::move(route));
  return ok_status();
}

const Route* Router::resolve(std::string_view topic, std::map<std::string, std::string>& fields) const {
  if (routes_.empty()) return &fallback_;
  for (const auto& [pattern, route] : routes_) {
    // A bare payload (no topic) can only take a catch-all route.
    if (topic.empty() && pattern.text() != "#") continue;
    auto match = pattern.match(topic);
    if (!match) continue;
    for (auto& [name, value] : match->fields) fields.emplace(name, value);
    return &route;
  }
  return nullptr;
}

}  // namespace iot::ingest
