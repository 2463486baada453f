// Small helpers on JSON text that the stream and codecs share.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::codec {

bool is_valid_utf8(std::string_view bytes);
// Validates JSON (simdjson) within a depth cap and returns it on one line
// without insignificant whitespace (so it can stand inside an NDJSON line).
Result<std::string> minify_json(std::string_view text, std::size_t max_depth = 256);
// The same for text already known to be valid JSON (parsed by the caller):
// copied as it is when it holds no whitespace byte at all (the usual
// NDJSON line or MQTT payload), else minified. No validation.
std::string minify_valid_json(std::string_view valid_json);
// Appends s as a JSON string literal (quotes, escapes; invalid UTF-8 refused).
Status append_json_string(std::string& out, std::string_view s);

}  // namespace iot::codec
