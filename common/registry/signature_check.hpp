// The signature step of every tool that checks the signed shape
// (iot-registry(5) "key_file", iot-verify(1) "--key-file"). Stateless, so
// iot-verify can run it on its reader thread.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::registry {

// The HMAC text of the signed shape {"hmac": ..., "payload": {...}},
// when the payload is in that form.
std::optional<std::string_view> signed_hmac(simdjson::dom::element payload);

// With a key, a payload must be in the signed form and verify; one without an
// "hmac" passes only when allow_unsigned. Fails with reason "bad_signature"
// and a detail that starts with what went wrong: "forged: ...",
// "missing: ...", "malformed: ...".
// exact_payload: the payload's text when it held integers beyond 64 bits
// (stream::EnvelopeView::exact_payload); the signature is checked over it.
// payload_text: else, when known, the text payload was parsed from (from its
// first byte; what follows is ignored: stream::payload_text): a plain
// payload is then canonicalized from it (sign::verify_signed_text), with the
// same outcome.
Status check_signature(simdjson::dom::element payload, const std::string& key, bool allow_unsigned,
                       std::optional<std::string_view> exact_payload = std::nullopt,
                       std::string_view payload_text = {});

}  // namespace iot::registry
