// Loading the registry file and choosing a route for a topic.
#include "registry/registry.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <iterator>

#include "registry/route_parser.hpp"

namespace iot::registry {
namespace {

Error usage(std::string message) { return make_error(ErrorKind::usage, "usage", std::move(message)); }

Result<toml::table> parse_toml(std::string_view text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return usage(source + ":" + std::to_string(e.source().begin.line) + ":" +
                 std::to_string(e.source().begin.column) + ": TOML syntax error: " + std::string(e.description()));
  }
}

}  // namespace

bool is_table_name(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'))) return false;
  for (char c : name)
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

Result<Registry> Registry::parse(std::string_view text, const ParseOptions& options) {
  auto document = parse_toml(text, options.source);
  if (!document) return document.error();
  for (const auto& [key, value] : *document)
    if (key.str() != "route")
      return usage(options.source + ": unknown top-level key \"" + std::string(key.str()) + "\" (expected [[route]])");
  const toml::array* routes = document->get_as<toml::array>("route");
  if (!routes || routes->empty()) return usage(options.source + ": no [[route]] tables");
  Registry registry;
  registry.source_ = options.source;
  std::size_t index = 0;
  for (const toml::node& node : *routes) {
    ++index;
    std::string where = options.source + ": route " + std::to_string(index);
    const toml::table* table = node.as_table();
    if (!table) return usage(where + ": not a table (write [[route]])");
    auto route = detail::parse_route(*table, index, where, options);
    if (!route) return route.error();
    registry.routes_.push_back(std::move(*route));
  }
  return registry;
}

Result<Registry> Registry::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return usage("cannot read registry " + path.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return usage("cannot read registry " + path.string());
  ParseOptions options;
  options.source = path.string();
  options.base_dir = path.parent_path();
  return parse(text, options);
}

}  // namespace iot::registry
