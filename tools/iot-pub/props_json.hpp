// The envelope's "props" object (iot-stream(5), ENVELOPE FIELDS) <-> mqtt::Properties.
#pragma once

#include <simdjson.h>

#include <string_view>

#include "core/result.hpp"
#include "mqtt/properties.hpp"

namespace iot::pub {

// Fails with reason "schema" on a member of the wrong type; unknown members are ignored.
Result<mqtt::Properties> props_from_json(simdjson::dom::element props);
// The same from one-line JSON text (what the outbox stores); "" is no properties.
Result<mqtt::Properties> props_from_text(std::string_view json);

}  // namespace iot::pub
