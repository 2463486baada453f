// Reading a rules file (iot-rules(5)): TOML through toml++, then every key
// checked as the registry is. An error is a usage error naming FILE:LINE,
// the rule, the key and what was expected; a key the format does not know
// is an error too (a typo must not turn a check off silently).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "rules/rule.hpp"

namespace iot::rules {

Result<RuleSet> parse_rules(std::string_view text, const std::string& source);
Result<RuleSet> load_rules(const std::filesystem::path& path);

}  // namespace iot::rules
