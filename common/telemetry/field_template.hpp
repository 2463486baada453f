// Templates over topic captures and payload fields (iot-registry(5),
// KEYS OF A ROUTE): "{sensor_id}", "{site}-{pi_tag}". Used for a route's device, metric
// and tag values.
#pragma once

#include <simdjson.h>

#include <map>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::telemetry {

// Values a template may name: `extra_name` = `extra_value` first (e.g.
// "metric", the shape's own metric name), then captures, then the payload's
// top-level fields (strings as they are, numbers in their shortest form,
// booleans as true/false).
struct TemplateValues {
  const std::map<std::string, std::string>* fields = nullptr;
  const simdjson::dom::object* payload = nullptr;  // the payload's fields, or none
  std::string_view extra_name;
  std::string_view extra_value;
};

// Checks the syntax only: balanced braces, names [A-Za-z0-9_.-]+, "{{" and
// "}}" literal. Reason "usage" (templates are configuration).
Status check_template(std::string_view text);

// Expands text; a name with no value, or a value that is an object, array or
// null, fails with reason "schema" naming it.
Result<std::string> expand_template(std::string_view text, const TemplateValues& values);
// The same over captures and a payload element (its fields when it is an object).
Result<std::string> expand_template(std::string_view text, const std::map<std::string, std::string>* fields,
                                    simdjson::dom::element payload);

}  // namespace iot::telemetry
