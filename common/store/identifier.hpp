// SQL identifiers from users (table, schema names in the registry or on the
// command line) are validated and quoted; values never go into SQL text.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::store {

// Accepts [A-Za-z_][A-Za-z0-9_]{0,62}; anything else: usage error "bad_identifier".
Result<std::string> checked_identifier(std::string_view name);
// "name" with embedded quotes doubled (call on checked names only).
std::string quote_identifier(std::string_view name);
// "schema"."table", or "table" when schema is empty.
std::string qualified_name(std::string_view schema, std::string_view table);

}  // namespace iot::store
