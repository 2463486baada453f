// The one per-message path of the toolkit (iot-registry(5), ARCHITECTURE.md
// "One route engine"): the route a topic takes, the key that route checks
// signatures with, the normalizer's context, the route's tags, and the table
// plans. iot-ingest, iot-verify and iot-sub all read messages through it, so
// a line gets the same route, device, metric, tags and rejection reason in
// every tool.
//
// Without a registry every message takes one default route ("#", the shape
// detected, the tool's --table and --key-file); with one, the first route
// whose pattern matches wins, and a topic no route matches is "no_route". A
// bare payload (no topic) can only take a catch-all ("#") route.
#pragma once

#include <simdjson.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "registry/registry.hpp"
#include "registry/table_plan.hpp"
#include "telemetry/reading.hpp"

namespace iot::registry {

// What the tool's own options give routes that say nothing of their own.
struct RouteDefaults {
  std::optional<std::string> key;                  // --key-file: for routes without key_file
  bool allow_unsigned = false;                     // iot-verify --allow-unsigned
  std::string table{default_table};                // --table: for routes without table
  std::optional<std::string> ordering_key;         // --ordering-key: for routes without ordering_key
  TablePlan plan{std::nullopt, default_rollups()};  // --retention, --no-rollups
};

// The route a message takes, with the values its templates read.
struct RouteMatch {
  const Route* route = nullptr;
  const std::optional<std::string>* key = nullptr;  // never null; empty: no signature required
  const std::string* table = nullptr;               // never null: the route's table or the default
  // Never null: the route's ordering_key template or the default; none: the
  // reading's site tag, when it has one (iot-ingest(1), Pub/Sub).
  const std::optional<std::string>* ordering_key = nullptr;
  // The envelope's "fields", then the topic's captures (a capture does not
  // replace a field the envelope already holds).
  std::map<std::string, std::string> fields;
  // The normalizer's context for this route; points into *this and route:
  // keep both alive while it is used.
  telemetry::NormalizeContext context(std::string_view topic, bool keep_readings = true) const;
};

// What one payload reads as on its route.
struct RoutedMessages {
  std::vector<telemetry::Message> messages;
  std::map<std::string, std::string> tags;  // the route's tags, expanded
};

class RouteEngine {
 public:
  explicit RouteEngine(RouteDefaults defaults, std::optional<Registry> registry = std::nullopt);
  RouteEngine(RouteEngine&&) noexcept;
  RouteEngine& operator=(RouteEngine&&) noexcept;
  RouteEngine(const RouteEngine&) = delete;
  RouteEngine& operator=(const RouteEngine&) = delete;

  bool has_registry() const { return registry_.has_value(); }
  const RouteDefaults& defaults() const { return defaults_; }
  // The registry's routes, or the one default route.
  const std::vector<Route>& routes() const;

  // Step 1. envelope_fields: the envelope's "fields" (an object, or any other
  // element: none), or none at all. Reason "no_route".
  Result<RouteMatch> route(std::string_view topic, const simdjson::dom::element* envelope_fields = nullptr) const;
  // Step 2. Reason "bad_signature" (registry/signature_check.hpp); exact_payload
  // (a payload with integers beyond 64 bits) and payload_text as there.
  Status check_signature(simdjson::dom::element payload, const RouteMatch& match,
                         std::optional<std::string_view> exact_payload = std::nullopt,
                         std::string_view payload_text = {}) const;
  // Step 3: the normalizer, then the route's tags over the captures and the
  // payload's fields (a name with no value is reason "schema", as for the
  // device and metric templates).
  Result<RoutedMessages> normalize(simdjson::dom::element payload, const RouteMatch& match, std::string_view topic,
                                   bool keep_readings = true) const;
  // Steps 2 and 3.
  Result<RoutedMessages> read(simdjson::dom::element payload, const RouteMatch& match, std::string_view topic,
                              std::optional<std::string_view> exact_payload = std::nullopt) const;

  // Each table's retention and rollups: the defaults, replaced table by
  // table by what the routes that name it declare (routes on one table add
  // their rollups up). Where two routes disagree, the earlier wins and
  // `warnings` says so.
  TablePlans table_plans(std::vector<std::string>* warnings = nullptr) const;

 private:
  RouteMatch matched(const Route& route, const simdjson::dom::element* envelope_fields) const;

  RouteDefaults defaults_;
  std::optional<Registry> registry_;
  std::vector<Route> default_routes_;  // the one "#" route, without a registry
};

// The strings of an envelope's "fields" object (strings and integers).
std::map<std::string, std::string> field_strings(simdjson::dom::element fields);

}  // namespace iot::registry
