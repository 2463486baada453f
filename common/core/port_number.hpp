// A TCP port as a URL or an address option writes it: decimal digits only,
// nothing before or after them.
#pragma once

#include <optional>
#include <string_view>

namespace iot {

// 1 to 65535; with allow_zero also 0, which asks the system for a free port
// (--metrics-listen :0). nullopt for anything else.
std::optional<int> parse_port(std::string_view text, bool allow_zero = false);

}  // namespace iot
