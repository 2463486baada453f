// Internal to the registry: one [[route]] table -> Route, every key checked.
#pragma once

#include <toml++/toml.h>

#include "registry/registry.hpp"

namespace iot::registry::detail {

// where: "FILE: route N" for messages.
Result<Route> parse_route(const toml::table& table, std::size_t index, const std::string& where,
                          const ParseOptions& options);

}  // namespace iot::registry::detail
