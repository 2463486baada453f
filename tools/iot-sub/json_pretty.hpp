// JSON text re-indented for a person (two spaces a level, "key": value) and
// optionally coloured like jq. Only the spacing changes: every token keeps
// its spelling (21.50 stays 21.50, escapes stay escaped, so no control
// character of a payload reaches the terminal).
#pragma once

#include <string>
#include <string_view>

namespace iot::sub {

// json must be valid JSON (the caller checked it).
void append_pretty_json(std::string& out, std::string_view json, bool color);

}  // namespace iot::sub
