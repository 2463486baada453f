// Wire payloads <-> JSON text. Detection follows iot-sub(1)'s order
// (zlib -> MessagePack -> JSON -> binary), with these rules: zlib only
// when the whole stream inflates (Adler-32 checked, nothing left over),
// MessagePack only by a complete well-formed decode of every byte, JSON only
// when valid UTF-8 and valid JSON; anything else is binary. One ambiguity is
// settled for JSON: a payload of one ASCII digit is both the JSON number and
// MessagePack's fixint 48..57; it is read as the JSON digit.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/limits.hpp"
#include "core/result.hpp"

namespace iot::codec {

enum class Encoding { json, msgpack, zlib_json, zlib_msgpack, binary };

std::string_view encoding_name(Encoding enc);  // "json", "msgpack", "zlib+json", ...
std::optional<Encoding> parse_encoding(std::string_view name);

struct DecodeLimits {
  std::size_t max_decompressed = limits::max_decompressed_bytes;
  std::size_t max_depth = limits::max_json_depth;
};

struct DecodedPayload {
  Encoding enc = Encoding::binary;
  std::string json;  // minified JSON text (one line) unless enc == binary
  // Why a payload that looked compressed or structured ended up binary
  // (e.g. "zlib output over 64 MiB"); empty when it is plainly binary.
  std::string note;
};

// Never fails: what cannot be decoded is binary (the caller base64-encodes it).
DecodedPayload decode_payload(std::string_view bytes, const DecodeLimits& limits = {});

// JSON text -> the bytes to publish in that encoding. Fails on invalid JSON,
// and for Encoding::binary (binary payloads travel as payload_b64 bytes).
Result<std::string> encode_payload(std::string_view json_text, Encoding enc);

}  // namespace iot::codec
