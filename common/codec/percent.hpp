// Percent-encoding (RFC 3986 §2.1), as URLs carry user names, passwords,
// organisations and buckets: one decoder for every database URL, one
// encoder for query values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace iot::codec {

// %XX (either case) becomes its byte, everything else stays; nullopt on a
// '%' without two hex digits after it.
std::optional<std::string> percent_decode(std::string_view text);

// RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~) stay, every other
// byte becomes %XX (uppercase): safe as a query value.
std::string percent_encode(std::string_view bytes);

}  // namespace iot::codec
