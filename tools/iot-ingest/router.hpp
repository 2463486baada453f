// Picks the Route for a message by its topic: the registry's routes in file
// order (first match wins), else the default route when there is no
// registry. With a registry, a topic that no route matches is no_route.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "iot-ingest/route.hpp"
#include "topic/pattern.hpp"

namespace iot::ingest {

class Router {
 public:
  // No registry: every message takes `fallback`.
  explicit Router(Route fallback) : fallback_(std::move(fallback)) {}
  // Adds a registry route (in order); the pattern is iot-sub --pattern syntax.
  Status add(const std::string& pattern, Route route);
  // The route and the topic's captures merged over the envelope's fields;
  // nullptr when a registry is loaded and no route matches.
  const Route* resolve(std::string_view topic, std::map<std::string, std::string>& fields) const;
  bool has_registry() const { return !routes_.empty(); }
  const std::vector<std::pair<topic::TopicPattern, Route>>& routes() const { return routes_; }

 private:
  Route fallback_;
  std::vector<std::pair<topic::TopicPattern, Route>> routes_;
};

// Loads --registry FILE into routes (common/registry), defaults from settings.
Result<std::unique_ptr<Router>> load_router(const std::string& registry_file, Route fallback);

}  // namespace iot::ingest
