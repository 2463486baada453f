#include "registry/signature_check.hpp"

#include "sign/hmac.hpp"

namespace iot::registry {
namespace {

bool has_key(simdjson::dom::element payload, std::string_view key) {
  simdjson::dom::object object;
  simdjson::dom::element ignored;
  return payload.get(object) == simdjson::SUCCESS && object.at_key(key).get(ignored) == simdjson::SUCCESS;
}

Error bad_signature(std::string detail) {
  return make_error(ErrorKind::bad_input, "bad_signature", std::move(detail));
}

}  // namespace

std::optional<std::string_view> signed_hmac(simdjson::dom::element payload) {
  simdjson::dom::object object;
  if (payload.get(object) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::element inner;
  if (object.at_key("payload").get(inner) != simdjson::SUCCESS) return std::nullopt;
  std::string_view hmac;
  if (object.at_key("hmac").get(hmac) != simdjson::SUCCESS) return std::nullopt;
  return hmac;
}

Status check_signature(simdjson::dom::element payload, const std::string& key, bool allow_unsigned,
                       std::optional<std::string_view> exact_payload, std::string_view payload_text) {
  if (!signed_hmac(payload)) {
    if (!has_key(payload, "hmac")) {
      if (allow_unsigned) return ok_status();
      return bad_signature("missing: the message carries no hmac (see --allow-unsigned)");
    }
    return bad_signature("malformed: hmac is not a string or payload is missing");
  }
  auto status = exact_payload           ? sign::verify_signed(payload, key, *exact_payload)
                : !payload_text.empty() ? sign::verify_signed_text(payload, key, payload_text)
                                        : sign::verify_signed(payload, key);
  switch (status) {
    case sign::SignatureStatus::ok: return ok_status();
    case sign::SignatureStatus::bad_signature: return bad_signature("forged: HMAC does not match the payload");
    case sign::SignatureStatus::missing: return bad_signature("missing: the message carries no hmac");
    case sign::SignatureStatus::malformed:
      return bad_signature("malformed: hmac is not base64 of 32 bytes, or the payload cannot be canonicalized");
  }
  return bad_signature("forged: HMAC does not match the payload");
}

}  // namespace iot::registry
