// Canonical JSON, byte-identical to Python's (iot-stream(5), CANONICAL JSON):
//   json.dumps(payload, indent=None, separators=(",", ":"), sort_keys=True)
// with Python's defaults: ensure_ascii (\uXXXX, surrogate pairs, lowercase
// hex), keys sorted by code point, floats as Python's repr (shortest
// round-trip; exponent form from 1e16 up and below 1e-4; ".0" on integral
// floats), integers exact at any size, NaN/Infinity refused. Duplicate keys:
// the last one wins, as in Python's json.loads.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::sign {

// From JSON text (any size of integer kept exact).
Result<std::string> canonical_json(std::string_view json_text);
// From an already parsed simdjson element (the hot path in iot-verify).
Result<std::string> canonical_json(simdjson::dom::element value);
// Python's repr of a double ("72.4", "1e+16", "1.0", "-0.0").
std::string python_float_repr(double value);

}  // namespace iot::sign
