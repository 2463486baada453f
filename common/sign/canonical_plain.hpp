// Canonical JSON straight from the text, for the common case: text whose
// every leaf is already spelled as Python's json.dumps spells it, so that
// only the key order and the whitespace can differ from the canonical form.
// Python signers (json.dumps without sort_keys) and iot-pub write such text.
// Then no value is decoded or re-encoded: leaves are copied as written, keys
// sorted, whitespace dropped, and text already canonical is returned as is.
// Each thread keeps the layouts of its last few texts (keys, order, the
// bytes between values): a text of a known layout is compared with it and
// its values put in place, with no sort.
//
// "Plain" text: strings (keys too) of printable ASCII without escapes;
// integers of at most 18 digits, not "-0"; floats in positional form
// ("-12.5", no exponent) with at most 15 significant digits and no trailing
// zero but a lone ".0", whose magnitude is 0 or in [1e-4, 1e15) (below 16
// digits a decimal is its double's shortest repr, so Python prints it back
// digit for digit); true, false, null; no duplicate keys; nesting within
// limits::max_json_depth. Anything else is declined (nullopt) and the caller
// takes the general path (canonical_json.hpp), which gives the same bytes
// for plain text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace iot::sign {

// The canonical form of text (one JSON value, whitespace around it allowed):
// a view into text itself when it is canonical already, else into scratch
// (grown when needed, never shrunk). nullopt when text is not plain JSON.
std::optional<std::string_view> plain_canonical_json(std::string& scratch, std::string_view text);

// The same for the JSON value text starts with; what follows it is ignored
// (codec::member_tail finds where a member's value starts).
std::optional<std::string_view> plain_canonical_prefix(std::string& scratch, std::string_view text);

}  // namespace iot::sign
