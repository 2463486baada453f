// The allocation-free core of canonical_json(dom::element), for callers that
// keep their own output buffer (verify_signed, benchmarks).
#pragma once

#include <simdjson.h>

#include <string>

namespace iot::sign {

// Appends the canonical form of value to out. Returns false (out partly
// written) on NaN/Infinity, invalid UTF-8 or nesting beyond
// limits::max_json_depth. Per-depth scratch space is reused across calls
// (thread-local), so a warm call allocates nothing but out's growth.
bool append_canonical_json(std::string& out, simdjson::dom::element value);

}  // namespace iot::sign
