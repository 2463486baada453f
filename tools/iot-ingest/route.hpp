// How one message is read and stored: from a registry route (--registry) or
// the defaults (automatic shape, the --table table, the --key-file key).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "store/table_plan.hpp"
#include "telemetry/reading.hpp"

namespace iot::ingest {

struct Route {
  std::string name;  // the pattern, for logs
  telemetry::Shape shape = telemetry::Shape::automatic;
  std::string device_template, metric_template;  // empty: the shape's own
  std::map<std::string, std::string> keymap;     // flat payload short keys
  std::map<std::string, std::string> tags;       // templates over captures and payload fields
  std::optional<std::string> key;                // HMAC key: signatures are required
  std::string table;                             // empty: --table
  std::string retention;                         // of raw rows, "730d"; empty: --retention
  std::optional<store::RollupSpec> rollup;       // [route.rollup]; none: the default rollups
};

// "{name}" replaced by values[name]; unknown names are left empty.
std::string fill_template(const std::string& text, const std::map<std::string, std::string>& values);

}  // namespace iot::ingest
