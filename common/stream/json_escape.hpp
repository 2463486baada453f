// Internal to stream: JSON string literals for text that may not be UTF-8
// (a rejected line, a detail quoting one). Valid UTF-8 goes through
// codec::append_json_string; each invalid byte becomes U+FFFD, so the record
// itself is always valid JSON.
#pragma once

#include <string>
#include <string_view>

namespace iot::stream::detail {

void append_json_string_lossy(std::string& out, std::string_view s);
// Length of the valid UTF-8 sequence at the start of s, 0 when invalid.
std::size_t utf8_sequence_length(std::string_view s);

}  // namespace iot::stream::detail
