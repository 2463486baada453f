// HMAC-SHA256 (OpenSSL) and the signed shape (iot-stream(5), PAYLOAD SHAPES):
//   {"hmac": base64(HMAC-SHA256(key, canonical_json(payload))), "payload": {...}}
#pragma once

#include <simdjson.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::sign {

using Digest = std::array<unsigned char, 32>;

Digest hmac_sha256(std::string_view key, std::string_view message);
// Constant-time comparison (CRYPTO_memcmp).
bool digest_equal(const Digest& a, std::string_view b);

enum class SignatureStatus { ok, bad_signature, missing, malformed };

// Checks {"hmac": ..., "payload": {...}}: the base64 HMAC against the
// canonical JSON of payload. missing: no "hmac"; malformed: hmac not base64 of
// 32 bytes, or payload not canonicalizable.
SignatureStatus verify_signed(simdjson::dom::element message, std::string_view key);
// The same when the message held integers beyond 64 bits (iot-stream(5),
// NUMBERS): the DOM has their nearest doubles, so the canonical JSON is made
// from exact_message, the message's text with every digit as written.
SignatureStatus verify_signed(simdjson::dom::element message, std::string_view key, std::string_view exact_message);
// The same as verify_signed(message, key), with message_text: the JSON text
// message was parsed from (the message first; what follows is ignored).
// When the payload's text is plain (canonical_plain.hpp) it is canonicalized
// straight from the text, else from the DOM: the same bytes either way, so
// the same status.
SignatureStatus verify_signed_text(simdjson::dom::element message, std::string_view key,
                                   std::string_view message_text);

// The last step of the checks above, once the payload's canonical JSON is
// known (iot-verify reads the payload's fields from the text itself):
// hmac_text, the "hmac" string, against HMAC-SHA256(key, canonical).
// malformed: hmac_text is not base64 of 32 bytes.
SignatureStatus verify_canonical(std::string_view hmac_text, std::string_view canonical, std::string_view key);

// Builds the signed line {"hmac":"...","payload":<payload_json as given>}
// from one-line payload JSON text.
Result<std::string> sign_payload(std::string_view payload_json, std::string_view key);

}  // namespace iot::sign
