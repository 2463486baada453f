#include "cli/config_file.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <iomanip>
#include <iterator>
#include <sstream>

#include "cli/run.hpp"

namespace iot::cli {
namespace {

// The line a key stands on: the first line that starts with it and goes on
// with '=' or ':' (0 when none does, e.g. a key written as a dotted path).
std::size_t line_of_key(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  std::string line;
  for (std::size_t number = 1; std::getline(lines, line); ++number) {
    auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    std::string_view rest = std::string_view(line).substr(start);
    if (rest.starts_with('"')) rest.remove_prefix(1);
    if (!rest.starts_with(key)) continue;
    rest.remove_prefix(key.size());
    if (rest.starts_with('"')) rest.remove_prefix(1);
    auto next = rest.find_first_not_of(" \t");
    if (next != std::string_view::npos && (rest[next] == '=' || rest[next] == ':')) return number;
  }
  return 0;
}

// The app (the tool or one of its subcommands) that a key's sections lead to.
const CLI::App* section_app(const CLI::App& app, const std::vector<std::string>& parents) {
  const CLI::App* at = &app;
  for (const auto& name : parents) {
    const CLI::App* next = nullptr;
    for (const auto* sub : at->get_subcommands([](const CLI::App*) { return true; }))
      if (sub->check_name(name)) next = sub;
    if (!next) return nullptr;
    at = next;
  }
  return at;
}

// Whether CLI11 would give this key to an option: it looks for --NAME, for
// a one-letter NAME also -NAME, and for a positional called NAME.
bool known_key(const CLI::App& app, const std::string& name) {
  if (app.get_option_no_throw("--" + name)) return true;
  if (name.size() == 1 && app.get_option_no_throw("-" + name)) return true;
  return app.get_option_no_throw(name) != nullptr;
}

// A TOML value as the text CLI11 parses an option from.
std::string value_text(const toml::node& node) {
  if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  std::ostringstream out;
  if (auto i = node.as_integer()) out << i->get();
  else if (auto f = node.as_floating_point()) out << std::setprecision(17) << f->get();
  else if (auto d = node.as_date()) out << *d;  // dates and times, as TOML writes them
  else if (auto t = node.as_time()) out << *t;
  else if (auto dt = node.as_date_time()) out << *dt;
  return out.str();
}

[[noreturn]] void unknown_key(const std::string& where, const std::string& key) {
  throw CLI::ConfigError(where + ": unknown key \"" + key + "\" (keys are the long option names of " +
                         tool_program_name() + " --help)");
}

std::string at_line(const std::string& file, const toml::source_region& source) {
  return file + ":" + std::to_string(source.begin.line);
}

// The items of one table: its keys (checked against `app`), and a
// subcommand's table as a section ("++" ... "--", as CLI11's own reader
// gives them). TOML is read by toml++, not by CLI11's line reader, which
// takes a '#' inside a string for a comment.
void table_items(const toml::table& table, const CLI::App& app, const std::vector<std::string>& parents,
                 const std::string& file, std::vector<CLI::ConfigItem>& items) {
  for (auto&& [key, node] : table) {
    std::string name(key.str());
    std::string full;
    for (const auto& p : parents) full += p + ".";
    full += name;
    if (const toml::table* sub = node.as_table()) {
      const CLI::App* sub_app = section_app(app, {name});
      if (!sub_app || !parents.empty()) unknown_key(at_line(file, key.source()), full);
      auto inner = parents;
      inner.push_back(name);
      CLI::ConfigItem open;
      open.parents = inner;
      open.name = "++";
      items.push_back(open);
      table_items(*sub, *sub_app, inner, file, items);
      CLI::ConfigItem close = open;
      close.name = "--";
      items.push_back(close);
      continue;
    }
    if (!known_key(app, name)) unknown_key(at_line(file, key.source()), full);
    CLI::ConfigItem item;
    item.parents = parents;
    item.name = name;
    if (const toml::array* array = node.as_array()) {
      for (const toml::node& element : *array) {
        if (element.is_array() || element.is_table())
          throw CLI::ConfigError(at_line(file, element.source()) + ": \"" + full + "\": a list of plain values only");
        item.inputs.push_back(value_text(element));
      }
    } else {
      item.inputs.push_back(value_text(node));
    }
    items.push_back(std::move(item));
  }
}

bool is_ini(const std::string& path) { return path.size() >= 4 && path.ends_with(".ini"); }

}  // namespace

std::string CheckedConfig::current_file() const {
  // CLI11 reads the files given to --config last to first, one call each.
  const CLI::Option* config = app_.get_config_ptr();
  std::vector<std::string> files = config ? config->as<std::vector<std::string>>() : std::vector<std::string>{};
  if (files.empty()) return "--config";
  std::size_t index = files_read_ < files.size() ? files.size() - 1 - files_read_ : 0;
  return files[index];
}

std::vector<CLI::ConfigItem> CheckedConfig::from_config(std::istream& input) const {
  const std::string file = current_file();
  ++files_read_;
  std::string text{std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
  std::vector<CLI::ConfigItem> items;
  if (is_ini(file)) {
    std::istringstream again(text);
    items = CLI::ConfigTOML::from_config(again);
    for (const auto& item : items) {
      if (item.name == "++" || item.name == "--") continue;  // a section opens or closes
      const CLI::App* owner = section_app(app_, item.parents);
      if (owner && known_key(*owner, item.name)) continue;
      std::size_t line = line_of_key(text, item.name);
      unknown_key(line ? file + ":" + std::to_string(line) : file, item.fullname());
    }
  } else {
    toml::table table;
    try {
      table = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
      throw CLI::ConfigError(file + ":" + std::to_string(e.source().begin.line) + ":" +
                             std::to_string(e.source().begin.column) + ": TOML syntax error: " +
                             std::string(e.description()));
    }
    table_items(table, app_, {}, file, items);
  }
  std::erase_if(items, [this](const CLI::ConfigItem& item) {
    return item.name != "++" && item.name != "--" && std::getenv(env_name(tool_, item.name).c_str()) != nullptr;
  });
  return items;
}

}  // namespace iot::cli
