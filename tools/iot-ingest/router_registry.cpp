// --registry FILE (common/registry) as the ingest's routes.
#include "iot-ingest/router.hpp"
#include "registry/registry.hpp"

#include <algorithm>
#include <chrono>

namespace iot::ingest {

namespace {

std::int64_t whole_seconds(std::chrono::nanoseconds d) {
  return std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

// The view's suffix says its period in the largest whole unit: 1d, 6h, 15m, 90s.
std::string period_suffix(std::int64_t seconds) {
  if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

store::RollupSpec rollup_spec(const registry::Rollup& r) {
  store::RollupSpec spec;
  spec.every_seconds = whole_seconds(r.every);
  spec.suffix = period_suffix(spec.every_seconds);
  spec.aggregates = r.aggregates;
  if (r.retention) spec.retention_seconds = whole_seconds(*r.retention);
  return spec;
}

}  // namespace

Result<std::unique_ptr<Router>> load_router(const std::string& registry_file, Route fallback) {
  auto router = std::make_unique<Router>(fallback);
  if (registry_file.empty()) return router;
  auto registry = registry::Registry::load(registry_file);
  if (!registry) return registry.error();
  for (const auto& r : registry->routes()) {
    Route route;
    route.name = r.pattern.text();
    route.shape = r.shape;
    route.device_template = r.device_template;
    route.metric_template = r.metric_template;
    route.keymap = r.keymap;
    route.tags = r.tags;
    route.key = r.key ? r.key : fallback.key;
    route.table = r.table == registry::default_table ? std::string() : r.table;
    route.retention = r.retention_text;
    if (r.rollup) route.rollup = rollup_spec(*r.rollup);
    if (auto st = router->add(r.pattern.text(), std::move(route)); !st) return st.error();
  }
  return router;
}

}  // namespace iot::ingest
