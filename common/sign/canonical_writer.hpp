// The allocation-free core of canonical_json(dom::element), for callers that
// keep their own output buffer (verify_signed, benchmarks).
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

namespace iot::sign {

// Appends the canonical form of value to out. Returns false (out partly
// written) on NaN/Infinity, invalid UTF-8 or nesting beyond
// limits::max_json_depth. Per-depth scratch space is reused across calls
// (thread-local), so a warm call allocates nothing but out's growth.
bool append_canonical_json(std::string& out, simdjson::dom::element value);

// The same, for a caller that canonicalizes many values into one scratch
// string: writes from scratch[0] on, treating all of scratch (its size, not
// only its capacity) as room, growing it when needed and never shrinking it,
// so that a warm call neither allocates nor fills. Returns the canonical
// text (a view into scratch), or nullopt on the failures above.
std::optional<std::string_view> canonical_json_into(std::string& scratch, simdjson::dom::element value);

}  // namespace iot::sign
