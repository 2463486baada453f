// Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded on output,
// padding optional on input). Pure functions, no allocation surprises.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::codec {

std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);  // strict: padded, canonical

std::string base64url_encode(std::string_view bytes);        // no padding
Result<std::string> base64url_decode(std::string_view text);

std::string hex_encode(std::string_view bytes);              // lowercase
Result<std::string> hex_decode(std::string_view text);       // either case

}  // namespace iot::codec
