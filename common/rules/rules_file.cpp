#include "rules/rules_file.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <set>

#include "core/duration.hpp"

namespace iot::rules {

std::string_view check_name(CheckKind kind) {
  switch (kind) {
    case CheckKind::range: return "range";
    case CheckKind::stuck: return "stuck";
    case CheckKind::rate: return "rate";
    case CheckKind::silence: return "silence";
    case CheckKind::bad_quality: return "bad_quality";
  }
  return "range";
}

std::vector<CheckKind> Rule::checks() const {
  std::vector<CheckKind> out;
  if (min) out.push_back(CheckKind::range);
  if (stuck_ns) out.push_back(CheckKind::stuck);
  if (rate) out.push_back(CheckKind::rate);
  if (silence_ns) out.push_back(CheckKind::silence);
  if (bad_quality_ns) out.push_back(CheckKind::bad_quality);
  return out;
}

namespace {

Error usage(std::string message) { return make_error(ErrorKind::usage, "usage", std::move(message)); }

std::size_t line_of(const toml::node& node) { return node.source().begin.line; }

// Names the place of a problem: "r.toml:7: rule 2 (\"inlet\"): range: ...".
struct Where {
  std::string source;
  std::size_t index;
  const toml::table& table;
  std::string name;

  Error operator()(std::string_view key, std::string_view what) const {
    const toml::node* node = key.empty() ? nullptr : table.get(key);
    std::size_t line = node ? line_of(*node) : line_of(table);
    std::string label = "rule " + std::to_string(index);
    if (!name.empty()) label += " (\"" + name + "\")";
    std::string text = source + ":" + std::to_string(line) + ": " + label + ": ";
    if (!key.empty()) text += std::string(key) + ": ";
    return usage(text + std::string(what));
  }
};

Result<std::optional<std::string>> string_key(const toml::table& t, std::string_view key, const Where& where) {
  const toml::node* node = t.get(key);
  if (!node) return std::optional<std::string>{};
  if (!node->is_string()) return where(key, "expected a string");
  return std::optional<std::string>{*node->value<std::string>()};
}

Result<std::optional<double>> number_key(const toml::table& t, std::string_view key, const Where& where) {
  const toml::node* node = t.get(key);
  if (!node) return std::optional<double>{};
  if (!node->is_number()) return where(key, "expected a number");
  double v = *node->value<double>();
  if (!std::isfinite(v)) return where(key, "expected a finite number");
  return std::optional<double>{v};
}

// A duration: "10m", "500ms", or a bare number of seconds, more than zero
// (clear_after may be zero).
Result<std::optional<std::int64_t>> duration_key(const toml::table& t, std::string_view key, const Where& where,
                                                 bool zero_ok = false) {
  const toml::node* node = t.get(key);
  if (!node) return std::optional<std::int64_t>{};
  std::string text;
  if (node->is_string()) text = *node->value<std::string>();
  else if (node->is_integer()) text = std::to_string(*node->value<std::int64_t>());
  else if (node->is_floating_point()) text = std::to_string(*node->value<double>());
  else return where(key, "expected a duration (\"10m\", \"30s\", \"500ms\") or seconds");
  auto d = parse_duration(text);
  if (!d) return where(key, d.error().message);
  if (d->count() < 0 || (d->count() == 0 && !zero_ok)) return where(key, "must be more than zero");
  return std::optional<std::int64_t>{d->count()};
}

Status check_glob(const std::string& glob, std::string_view key, const Where& where) {
  if (glob.empty()) return where(key, "is empty (use \"*\" for every name)");
  for (char c : glob)
    if (c == '\0') return where(key, "holds a NUL byte");
  return ok_status();
}

const std::set<std::string, std::less<>> known_keys = {"name",   "device",  "metric",      "range",      "stuck",
                                                      "epsilon", "rate",   "silence",     "bad_quality", "clear_after"};

Status read_range(const toml::table& t, Rule& rule, const Where& where) {
  const toml::node* node = t.get("range");
  if (!node) return ok_status();
  const toml::array* a = node->as_array();
  if (!a || a->size() != 2 || !(*a)[0].is_number() || !(*a)[1].is_number())
    return where("range", "expected [min, max], two numbers");
  double lo = *(*a)[0].value<double>(), hi = *(*a)[1].value<double>();
  if (!std::isfinite(lo) || !std::isfinite(hi)) return where("range", "expected finite numbers");
  if (!(lo < hi)) return where("range", "min must be below max");
  rule.min = lo;
  rule.max = hi;
  return ok_status();
}

Result<Rule> parse_rule(const toml::table& t, const Where& where) {
  for (const auto& [key, value] : t)
    if (!known_keys.count(key.str()))
      return where("", "unknown key \"" + std::string(key.str()) +
                           "\" (name, device, metric, range, stuck, epsilon, rate, silence, bad_quality, "
                           "clear_after)");
  Rule rule;
  rule.line = line_of(t);
  rule.name = where.name;
  for (auto [key, field] : {std::pair{"device", &rule.device}, std::pair{"metric", &rule.metric}}) {
    auto v = string_key(t, key, where);
    if (!v) return v.error();
    if (*v) *field = **v;
    if (auto st = check_glob(*field, key, where); !st) return st.error();
  }
  if (auto st = read_range(t, rule, where); !st) return st.error();
  for (auto [key, field] : {std::pair{"stuck", &rule.stuck_ns}, std::pair{"silence", &rule.silence_ns},
                            std::pair{"bad_quality", &rule.bad_quality_ns}}) {
    auto d = duration_key(t, key, where);
    if (!d) return d.error();
    *field = *d;
  }
  auto clear = duration_key(t, "clear_after", where, /*zero_ok=*/true);
  if (!clear) return clear.error();
  if (*clear) rule.clear_after_ns = **clear;
  auto rate = number_key(t, "rate", where);
  if (!rate) return rate.error();
  if (*rate && **rate <= 0) return where("rate", "must be more than zero (a change per second)");
  rule.rate = *rate;
  auto epsilon = number_key(t, "epsilon", where);
  if (!epsilon) return epsilon.error();
  if (*epsilon) {
    if (!rule.stuck_ns) return where("epsilon", "belongs to stuck, which this rule does not have");
    if (**epsilon < 0) return where("epsilon", "must not be negative");
    rule.epsilon = **epsilon;
  }
  if (rule.checks().empty())
    return where("", "no check (range, stuck, rate, silence or bad_quality)");
  return rule;
}

}  // namespace

Result<RuleSet> parse_rules(std::string_view text, const std::string& source) {
  toml::table document;
  try {
    document = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return usage(source + ":" + std::to_string(e.source().begin.line) + ":" +
                 std::to_string(e.source().begin.column) + ": TOML syntax error: " + std::string(e.description()));
  }
  for (const auto& [key, value] : document)
    if (key.str() != "rule")
      return usage(source + ":" + std::to_string(line_of(value)) + ": unknown top-level key \"" +
                   std::string(key.str()) + "\" (expected [[rule]])");
  const toml::array* list = document.get_as<toml::array>("rule");
  if (!list || list->empty()) return usage(source + ": no [[rule]] tables");
  RuleSet set;
  set.source = source;
  std::set<std::string, std::less<>> names;
  std::size_t index = 0;
  for (const toml::node& node : *list) {
    ++index;
    const toml::table* table = node.as_table();
    if (!table)
      return usage(source + ":" + std::to_string(line_of(node)) + ": rule " + std::to_string(index) +
                   ": not a table (write [[rule]])");
    Where where{source, index, *table, {}};
    auto name = string_key(*table, "name", where);
    if (!name) return name.error();
    where.name = name->value_or("rule" + std::to_string(index));
    if (where.name.empty()) return where("name", "is empty");
    if (!names.insert(where.name).second) return where("name", "\"" + where.name + "\" names an earlier rule too");
    auto rule = parse_rule(*table, where);
    if (!rule) return rule.error();
    set.rules.push_back(std::move(*rule));
  }
  return set;
}

Result<RuleSet> load_rules(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return usage("cannot read rules file " + path.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return usage("cannot read rules file " + path.string());
  return parse_rules(text, path.string());
}

}  // namespace iot::rules
