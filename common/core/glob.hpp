// Shell-style globs for names (metrics, devices): '*' matches any run of
// characters (also none), '?' exactly one byte; every other byte matches
// itself. No character classes, no escapes: names in the toolkit hold none
// of '*' and '?'.
#pragma once

#include <string_view>

namespace iot {

bool glob_matches(std::string_view pattern, std::string_view text);

}  // namespace iot
