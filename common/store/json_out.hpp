// Minimal JSON writing for what the store renders (payloads read back from a
// database, tags objects); values never need more than strings and numbers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace iot::store {

// Appends s as a JSON string literal; control characters escaped \u00XX.
void append_json_quoted(std::string& out, std::string_view s);
// Shortest round-trip number; null for an absent or non-finite value.
void append_json_number(std::string& out, std::optional<double> v);

}  // namespace iot::store
