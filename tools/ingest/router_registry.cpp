// --registry FILE (common/registry) as the ingest's routes.
#include "ingest/router.hpp"
#include "registry/registry.hpp"

namespace iot::ingest {

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
    if (auto st = router->add(r.pattern.text(), std::move(route)); !st) return st.error();
  }
  return router;
}

}  // namespace iot::ingest
