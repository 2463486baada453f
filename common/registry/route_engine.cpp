#include "registry/route_engine.hpp"

#include <algorithm>

#include "registry/signature_check.hpp"
#include "telemetry/field_template.hpp"
#include "telemetry/normalize.hpp"

namespace iot::registry {
namespace {

Route default_route() {
  Route r;
  r.pattern = *topic::TopicPattern::parse("#");
  return r;
}

// The object whose fields a tag template reads: the signed shape's payload
// (iot-stream(5), PAYLOAD SHAPES) is read inside its wrapper, as the normalizer reads it.
simdjson::dom::element template_payload(simdjson::dom::element payload) {
  simdjson::dom::element inner;
  if (signed_hmac(payload) && !payload["payload"].get(inner) && inner.is_object()) return inner;
  return payload;
}

}  // namespace

std::map<std::string, std::string> field_strings(simdjson::dom::element fields) {
  std::map<std::string, std::string> out;
  simdjson::dom::object object;
  if (fields.get_object().get(object)) return out;
  for (auto [key, value] : object) {
    if (value.is_string()) out[std::string(key)] = std::string(value.get_string().value());
    else if (value.is_int64()) out[std::string(key)] = std::to_string(value.get_int64().value());
  }
  return out;
}

RouteEngine::RouteEngine(RouteDefaults defaults, std::optional<Registry> registry)
    : defaults_(std::move(defaults)), registry_(std::move(registry)) {
  if (!registry_) default_routes_.push_back(default_route());
}

RouteEngine::RouteEngine(RouteEngine&&) noexcept = default;
RouteEngine& RouteEngine::operator=(RouteEngine&&) noexcept = default;

const std::vector<Route>& RouteEngine::routes() const { return registry_ ? registry_->routes() : default_routes_; }

RouteMatch RouteEngine::matched(const Route& r, const simdjson::dom::element* envelope_fields) const {
  RouteMatch out;
  out.route = &r;
  out.key = r.key ? &r.key : &defaults_.key;
  out.table = r.table.empty() ? &defaults_.table : &r.table;
  out.ordering_key = r.ordering_key ? &r.ordering_key : &defaults_.ordering_key;
  if (envelope_fields) out.fields = field_strings(*envelope_fields);
  return out;
}

Result<RouteMatch> RouteEngine::route(std::string_view topic, const simdjson::dom::element* envelope_fields) const {
  // Without a registry every topic takes the default route, "$SYS/..." too
  // (an MQTT "#" filter would not match those).
  if (!registry_) return matched(default_routes_.front(), envelope_fields);
  for (const Route& r : registry_->routes()) {
    if (topic.empty() && !r.is_catch_all()) continue;
    auto match = r.pattern.match(topic);
    if (!match) continue;
    RouteMatch out = matched(r, envelope_fields);
    for (auto& [name, value] : match->fields) out.fields.emplace(name, std::move(value));
    return out;
  }
  if (topic.empty())
    return make_error(ErrorKind::bad_input, "no_route", "a bare payload (no topic) and no route with pattern \"#\"");
  return make_error(ErrorKind::bad_input, "no_route",
                    "no registry route matches topic \"" + std::string(topic.substr(0, 200)) + "\"");
}

telemetry::NormalizeContext RouteMatch::context(std::string_view topic, bool keep_readings) const {
  telemetry::NormalizeContext c;
  c.shape = route->shape;
  c.topic = topic;
  c.fields = &fields;
  c.keymap = route->keymap.empty() ? nullptr : &route->keymap;
  c.device_template = route->device_template;
  c.metric_template = route->metric_template;
  c.keep_readings = keep_readings;
  return c;
}

Status RouteEngine::check_signature(simdjson::dom::element payload, const RouteMatch& match,
                                    std::optional<std::string_view> exact_payload,
                                    std::string_view payload_text) const {
  if (!*match.key) return ok_status();
  return registry::check_signature(payload, **match.key, defaults_.allow_unsigned, exact_payload, payload_text);
}

Result<RoutedMessages> RouteEngine::normalize(simdjson::dom::element payload, const RouteMatch& match,
                                              std::string_view topic, bool keep_readings) const {
  RoutedMessages out;
  auto messages = telemetry::normalize(payload, match.context(topic, keep_readings));
  if (!messages) return messages.error();
  out.messages = std::move(*messages);
  if (match.route->tags.empty()) return out;
  simdjson::dom::element values = template_payload(payload);
  for (const auto& [name, text] : match.route->tags) {
    auto value = telemetry::expand_template(text, &match.fields, values);
    if (!value) {
      Error e = value.error();
      e.message = "tags." + name + ": " + e.message;
      return e;
    }
    out.tags.emplace(name, std::move(*value));
  }
  return out;
}

Result<RoutedMessages> RouteEngine::read(simdjson::dom::element payload, const RouteMatch& match,
                                         std::string_view topic, std::optional<std::string_view> exact_payload) const {
  if (auto s = check_signature(payload, match, exact_payload); !s) return s.error();
  return normalize(payload, match, topic);
}

TablePlans RouteEngine::table_plans(std::vector<std::string>* warnings) const {
  TablePlans plans;
  plans.fallback = defaults_.plan;
  auto warn = [&](std::string text) {
    if (warnings) warnings->push_back(std::move(text));
  };
  std::map<std::string, TablePlan> declared;
  for (const Route& route : routes()) {
    if (!route.retention && !route.rollup && route.table.empty()) continue;
    const std::string& table = route.table.empty() ? defaults_.table : route.table;
    TablePlan& plan = declared[table];
    const std::string name = route.pattern.text();
    if (route.retention) {
      if (plan.retention && plan.retention != route.retention)
        warn("registry: route " + name + " gives table " + table +
             " another retention than an earlier route; the earlier wins");
      if (!plan.retention) plan.retention = route.retention;
    }
    if (!route.rollup) continue;
    const std::string suffix = route.rollup->suffix();
    auto same = std::find_if(plan.rollups.begin(), plan.rollups.end(),
                             [&](const Rollup& r) { return r.suffix() == suffix; });
    if (same == plan.rollups.end()) {
      plan.rollups.push_back(*route.rollup);
    } else if (!(*same == *route.rollup)) {
      warn("registry: route " + name + " asks table " + table + " for another " + suffix +
           " rollup than an earlier route; the earlier wins");
    }
  }
  for (auto& [table, plan] : declared) {
    if (!plan.retention) plan.retention = defaults_.plan.retention;
    // An empty default list means --no-rollups: no route brings them back.
    if (plan.rollups.empty() || defaults_.plan.rollups.empty()) plan.rollups = defaults_.plan.rollups;
    plans.tables.emplace(table, std::move(plan));
  }
  return plans;
}

}  // namespace iot::registry
