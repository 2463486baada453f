// Registry::parse over arbitrary TOML text: never crashes; what it accepts
// has routes whose tables are safe identifiers, and the route engine
// (registry/route_engine.hpp) routes topics over it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "registry/registry.hpp"
#include "registry/route_engine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 14)) return 0;
  iot::registry::ParseOptions options;
  options.source = "fuzz.toml";
  options.load_keys = false;  // never read files named by fuzz input
  auto registry = iot::registry::Registry::parse(std::string_view(reinterpret_cast<const char*>(data), size), options);
  if (!registry.ok()) {
    if (registry.error().kind != iot::ErrorKind::usage) abort();
    return 0;
  }
  if (registry->routes().empty()) abort();
  for (const auto& route : registry->routes()) {
    // An empty table is the tool's default (registry.hpp); any other must be safe.
    if (!route.table.empty() && !iot::registry::is_table_name(route.table)) abort();
    if (route.rollup && (route.rollup->every.count() <= 0 || route.rollup->aggregates.empty())) abort();
    if (int q = route.qos; q < 0 || q > 2) abort();
  }
  iot::registry::RouteEngine engine({}, std::move(*registry));
  for (std::string_view topic : {"sensors/lab/th-1", "FCTS/FAE/CMX/SolvExtract/PV", "a", "$SYS/x", "i/ASNFZ4mr/a/x/y"}) {
    auto match = engine.route(topic);
    if (!match.ok()) {
      if (match.error().reason != "no_route") abort();
      continue;
    }
    if (match->route == nullptr || match->key == nullptr || match->table == nullptr) abort();
    if (!iot::registry::is_table_name(*match->table)) abort();
    auto context = match->context(topic);
    if (context.fields != &match->fields) abort();
  }
  return 0;
}
