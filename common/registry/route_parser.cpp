// One [[route]] table: each key parsed and validated, errors naming the
// file, the route and the key.
#include <algorithm>
#include <initializer_list>
#include <tuple>

#include "core/duration.hpp"
#include "registry/route_parser.hpp"
#include "telemetry/field_template.hpp"

namespace iot::registry::detail {
namespace {

constexpr std::string_view route_keys[] = {"pattern",   "shape", "device", "metric", "table",       "key_file",
                                           "retention", "tags",  "keymap", "rollup", "ordering_key", "deadband",
                                           "kind",      "qos",   "channel", "stream", "max_len",    "store",
                                           "resend_topic"};
constexpr std::string_view rollup_keys[] = {"every", "aggregates", "retention"};

struct Where {
  const std::string& prefix;  // "FILE: route N"
  Error operator()(std::string_view key, const std::string& why) const {
    return make_error(ErrorKind::usage, "usage", prefix + ": " + std::string(key) + ": " + why);
  }
};

template <std::size_t N>
bool known(std::string_view key, const std::string_view (&keys)[N]) {
  return std::find(std::begin(keys), std::end(keys), key) != std::end(keys);
}

// A string value, or nothing when absent; an error when of another type.
Result<std::optional<std::string>> string_key(const toml::table& t, std::string_view key, const Where& where) {
  const toml::node* node = t.get(key);
  if (!node) return std::optional<std::string>{};
  auto value = node->value<std::string>();
  if (!node->is_string() || !value) return where(key, "not a string");
  return std::optional<std::string>{*value};
}

// A duration: a string ("5m") or, as on the command line, a bare number of seconds.
Result<std::optional<std::string>> duration_key(const toml::table& t, std::string_view key, const Where& where) {
  const toml::node* node = t.get(key);
  if (node && (node->is_integer() || node->is_floating_point())) {
    std::string text = node->is_integer() ? std::to_string(*node->value<std::int64_t>())
                                          : std::to_string(*node->value<double>());
    return std::optional<std::string>{text};
  }
  return string_key(t, key, where);
}

Result<std::chrono::nanoseconds> positive_duration(const std::string& text, std::string_view key, const Where& where) {
  auto d = parse_duration(text);
  if (!d) return where(key, d.error().message);
  if (d->count() <= 0) return where(key, "must be more than zero");
  return *d;
}

Status check_template(const std::string& text, std::string_view key, const Where& where) {
  auto s = telemetry::check_template(text);
  if (!s) return where(key, s.error().message);
  if (text.empty()) return where(key, "is empty");
  return ok_status();
}

// [route.tags] / [route.keymap]: a table of strings.
Result<std::map<std::string, std::string>> string_table(const toml::table& t, std::string_view key,
                                                        const Where& where) {
  std::map<std::string, std::string> out;
  const toml::node* node = t.get(key);
  if (!node) return out;
  const toml::table* table = node->as_table();
  if (!table) return where(key, "not a table");
  for (const auto& [name, value] : *table) {
    std::string entry = std::string(key) + "." + std::string(name.str());
    if (!value.is_string()) return where(entry, "not a string");
    std::string text = *value.value<std::string>();
    if (name.str().empty()) return where(entry, "empty name");
    out.emplace(std::string(name.str()), std::move(text));
  }
  return out;
}

Result<Rollup> parse_rollup(const toml::node& node, const Where& where) {
  const toml::table* t = node.as_table();
  if (!t) return where("rollup", "not a table");
  for (const auto& [key, value] : *t)
    if (!known(key.str(), rollup_keys)) return where("rollup." + std::string(key.str()), "unknown key");
  Rollup r;
  auto every = duration_key(*t, "every", where);
  if (!every) return every.error();
  if (!*every) return where("rollup.every", "missing");
  auto period = positive_duration(**every, "rollup.every", where);
  if (!period) return period.error();
  r.every = whole_seconds(*period);
  if (const toml::node* a = t->get("aggregates")) {
    const toml::array* list = a->as_array();
    if (!list || list->empty()) return where("rollup.aggregates", "not a list of aggregate names");
    r.aggregates.clear();
    for (const auto& item : *list) {
      auto name = item.value<std::string>();
      if (!item.is_string() || !known(*name, aggregate_names))
        return where("rollup.aggregates", "not one of mean, median, min, max, sum, count");
      if (std::find(r.aggregates.begin(), r.aggregates.end(), *name) != r.aggregates.end())
        return where("rollup.aggregates", "\"" + *name + "\" twice");
      r.aggregates.push_back(*name);
    }
  }
  auto retention = duration_key(*t, "retention", where);
  if (!retention) return retention.error();
  if (*retention) {
    auto d = positive_duration(**retention, "rollup.retention", where);
    if (!d) return d.error();
    r.retention = whole_seconds(*d);
  }
  return r;
}

// qos = 0, 1 or 2 (iot-registry(5), qos): an integer, nothing else.
Status parse_names(const toml::table& t, Route& route, const Where& where) {
  auto shape = string_key(t, "shape", where);
  if (!shape) return shape.error();
  if (*shape) {
    auto s = telemetry::parse_shape(**shape);
    if (!s) return where("shape", "unknown shape \"" + **shape + "\" (auto, nested, flat, signed, kpi, batch)");
    route.shape = *s;
  }
  for (auto [key, target] : {std::pair{"device", &route.device_template}, std::pair{"metric", &route.metric_template}}) {
    auto text = string_key(t, key, where);
    if (!text) return text.error();
    if (!*text) continue;
    if (auto s = check_template(**text, key, where); !s) return s;
    *target = **text;
  }
  auto table = string_key(t, "table", where);
  if (!table) return table.error();
  if (*table) {
    if (!is_table_name(**table))
      return where("table", "bad table name \"" + table->value().substr(0, 80) +
                                "\" (use [a-z_][a-z0-9_]*, up to 63 characters)");
    route.table = **table;
  }
  auto ordering_key = string_key(t, "ordering_key", where);
  if (!ordering_key) return ordering_key.error();
  if (*ordering_key) {
    // "" is allowed here: the route publishes without an ordering key.
    if (!(*ordering_key)->empty())
      if (auto s = check_template(**ordering_key, "ordering_key", where); !s) return s;
    route.ordering_key = **ordering_key;
  }
  auto resend_topic = string_key(t, "resend_topic", where);
  if (!resend_topic) return resend_topic.error();
  if (*resend_topic) {
    if (auto s = check_template(**resend_topic, "resend_topic", where); !s) return s;
    if ((*resend_topic)->find_first_of("+#") != std::string::npos)
      return where("resend_topic", "a topic to publish to has no '+' or '#'");
    route.resend_topic = **resend_topic;
  }
  return ok_status();
}

// A bool or an integer key, when present; an error when of another type.
template <class T>
Result<std::optional<T>> typed_key(const toml::table& t, std::string_view key, const Where& where, const char* what) {
  const toml::node* node = t.get(key);
  if (!node) return std::optional<T>{};
  auto value = node->value_exact<T>();
  if (!value) return where(key, std::string("not ") + what);
  return std::optional<T>{*value};
}

bool any_of(RouteKind kind, std::initializer_list<RouteKind> kinds) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

// kind, qos and what the Redis side of a kind needs (iot-registry(5), KINDS).
Status parse_kind(const toml::table& t, Route& route, const Where& where) {
  auto kind = string_key(t, "kind", where);
  if (!kind) return kind.error();
  if (*kind) {
    auto k = parse_route_kind(**kind);
    if (!k) return where("kind", "unknown kind \"" + kind->value().substr(0, 80) + "\" (" + route_kind_names() + ")");
    route.kind = *k;
  }
  const std::string kind_text = "kind " + std::string(route_kind_name(route.kind));
  route.qos = default_qos(route.kind);
  auto qos = typed_key<std::int64_t>(t, "qos", where, "an integer");
  if (!qos) return qos.error();
  if (*qos) {
    if (**qos < 0 || **qos > 2) return where("qos", "must be 0, 1 or 2");
    route.qos = static_cast<int>(**qos);
  }
  for (auto [key, target, kinds] : {std::tuple{"channel", &route.channel, "state and metrics"},
                                    std::tuple{"stream", &route.stream, "log"}}) {
    auto text = string_key(t, key, where);
    if (!text) return text.error();
    if (!*text) continue;
    bool fits = std::string_view(key) == "channel" ? any_of(route.kind, {RouteKind::state, RouteKind::metrics})
                                                    : route.kind == RouteKind::log;
    if (!fits) return where(key, std::string("only for ") + kinds + ", not " + kind_text);
    if (auto s = check_template(**text, key, where); !s) return s;
    *target = **text;
  }
  auto max_len = typed_key<std::int64_t>(t, "max_len", where, "an integer");
  if (!max_len) return max_len.error();
  if (*max_len) {
    if (route.stream.empty()) return where("max_len", "needs stream");
    if (**max_len <= 0) return where("max_len", "must be more than zero");
    route.max_len = static_cast<std::uint64_t>(**max_len);
  }
  auto store = typed_key<bool>(t, "store", where, "true or false");
  if (!store) return store.error();
  if (*store) {
    if (!any_of(route.kind, {RouteKind::metrics, RouteKind::log}))
      return where("store", "only for metrics and log, not " + kind_text);
    route.store = **store;
  }
  if (route.kind == RouteKind::metrics && route.channel.empty() && !route.store)
    return where("kind", "metrics needs a channel, store = true, or both");
  return ok_status();
}

Status parse_storage(const toml::table& t, Route& route, const Where& where, const ParseOptions& options) {
  auto key_file = string_key(t, "key_file", where);
  if (!key_file) return key_file.error();
  if (*key_file) {
    if (key_file->value().empty()) return where("key_file", "is empty");
    route.key_file = **key_file;
    if (options.load_keys) {
      std::filesystem::path path(route.key_file);
      if (path.is_relative()) path = options.base_dir / path;
      auto key = read_key_file(path);
      if (!key) return where("key_file", key.error().message);
      route.key = std::move(*key);
    }
  }
  auto retention = duration_key(t, "retention", where);
  if (!retention) return retention.error();
  if (*retention) {
    auto d = positive_duration(**retention, "retention", where);
    if (!d) return d.error();
    route.retention = whole_seconds(*d);
  }
  if (const toml::node* r = t.get("rollup")) {
    auto rollup = parse_rollup(*r, where);
    if (!rollup) return rollup.error();
    route.rollup = std::move(*rollup);
  }
  return ok_status();
}

// deadband = "GLOB=abs:X" or a list of such strings (iot-registry(5)).
Status parse_deadband(const toml::table& t, Route& route, const Where& where) {
  const toml::node* node = t.get("deadband");
  if (!node) return ok_status();
  std::vector<std::string> specs;
  if (auto s = node->value<std::string>(); node->is_string() && s) {
    specs.push_back(*s);
  } else if (const toml::array* a = node->as_array()) {
    for (const toml::node& item : *a) {
      auto text = item.value<std::string>();
      if (!item.is_string() || !text) return where("deadband", "not a string or a list of strings");
      specs.push_back(*text);
    }
  } else {
    return where("deadband", "not a string or a list of strings");
  }
  for (const std::string& spec : specs) {
    auto rule = telemetry::parse_deadband_rule(spec);
    if (!rule) return where("deadband", rule.error().message);
    route.deadband.push_back(std::move(*rule));
  }
  return ok_status();
}

}  // namespace

Result<Route> parse_route(const toml::table& t, std::size_t index, const std::string& prefix,
                          const ParseOptions& options) {
  Where where{prefix};
  for (const auto& [key, value] : t)
    if (!known(key.str(), route_keys)) return where(key.str(), "unknown key");
  Route route;
  route.index = index;
  auto pattern = string_key(t, "pattern", where);
  if (!pattern) return pattern.error();
  if (!*pattern) return where("pattern", "missing");
  auto parsed = topic::TopicPattern::parse(**pattern);
  if (!parsed) return where("pattern", parsed.error().message);
  route.pattern = std::move(*parsed);
  if (auto s = parse_names(t, route, where); !s) return s.error();
  if (auto s = parse_kind(t, route, where); !s) return s.error();
  auto tags = string_table(t, "tags", where);
  if (!tags) return tags.error();
  for (const auto& [name, text] : *tags)
    if (auto s = check_template(text, "tags." + name, where); !s) return s.error();
  route.tags = std::move(*tags);
  auto keymap = string_table(t, "keymap", where);
  if (!keymap) return keymap.error();
  for (const auto& [name, metric] : *keymap)
    if (metric.empty()) return where("keymap." + name, "empty metric name");
  route.keymap = std::move(*keymap);
  if (auto s = parse_storage(t, route, where, options); !s) return s.error();
  if (auto s = parse_deadband(t, route, where); !s) return s.error();
  return route;
}

}  // namespace iot::registry::detail
