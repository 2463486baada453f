// Integers beyond 64 bits in JSON text (iot-stream(5), NUMBERS). Python's
// json writes integers of any size exactly (2**64, 10**30); simdjson's DOM
// refuses every integer outside [-2^63, 2^64-1] with a number error. On that
// error only (the fast path stays simdjson alone) a reader hands the line to
// rewrite_wide_integers: one pass over the text that finds those integers
// and writes two texts, one for simdjson with each of them as the nearest
// double, one with every digit as it came (the exact text, for canonical JSON
// and for passing a payload on unchanged).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace iot::codec {

struct WideInteger {
  std::string digits;  // as written ("-18446744073709551617")
  double value = 0;    // the nearest double, what a double column holds
};

// Whether the nearest double is the integer itself (2**64 is; 10**30 is
// not). Asked only by a sink that stores doubles: it costs a conversion.
bool is_exact_double(const WideInteger& w);

struct WideIntegerText {
  std::string for_simdjson;  // the JSON with each wide integer as a double literal
  std::string exact;         // the JSON minified (no whitespace), every number's digits as written
  std::vector<WideInteger> integers;  // in text order
};

// Fails with reason "bad_json" when the text is not one JSON value (it is
// tokenized, not fully validated: simdjson validates for_simdjson), holds no
// wide integer (the number error was something else, such as 1e400), or
// holds an integer beyond the range of a double (more than about 309 digits).
Result<WideIntegerText> rewrite_wide_integers(std::string_view json);

// True for an integer literal (no fraction, no exponent) outside [-2^63, 2^64-1].
bool is_wide_integer(std::string_view literal);

// The text of the value of a top-level member of a JSON object text (the
// first member with that key), nullopt when the text is not an object, has
// no such member, or has an escaped key before it (as member_tail). The text
// must be valid JSON.
std::optional<std::string_view> member_text(std::string_view object_json, std::string_view key);

// object_json from the value of its first member named key to the text's
// end (the value and whatever follows it): where a reader that stops after
// one value (sign::plain_canonical_prefix) starts, without a scan for the
// value's end. Keys are compared as written, and an escaped key before the
// match gives nullopt (it might spell key, and a parser's object[key] takes
// the first). The text must be valid JSON.
std::optional<std::string_view> member_tail(std::string_view object_json, std::string_view key);

// member_text for a key the caller knows (from the parsed document) to be
// the object's last member and its only one of that name: the value then
// ends where the object does, so its text is found without a scan through
// it. nullopt as member_tail, or when the text does not end with the
// object's closing brace. The text must be valid JSON.
std::optional<std::string_view> last_member_text(std::string_view object_json, std::string_view key);

}  // namespace iot::codec
