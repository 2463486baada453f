// HMAC-SHA256 through OpenSSL 3's EVP_MAC. The context is kept per thread and
// re-initialised with the same key (EVP_MAC_init with a NULL key restarts the
// HMAC without fetching the algorithm or hashing the key again), which is
// several times faster than the one-shot HMAC() for short messages.
#include "sign/hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>

#include "codec/base64.hpp"
#include "sign/canonical_json.hpp"
#include "sign/canonical_writer.hpp"

namespace iot::sign {
namespace {

struct MacDeleter {
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

class HmacSha256 {
 public:
  HmacSha256() : mac_(EVP_MAC_fetch(nullptr, "HMAC", nullptr)) {
    if (mac_) ctx_.reset(EVP_MAC_CTX_new(mac_.get()));
    if (!ctx_) throw std::runtime_error("OpenSSL: HMAC unavailable");
  }

  Digest digest(std::string_view key, std::string_view message) {
    const auto* data = reinterpret_cast<const unsigned char*>(message.data());
    if (!init(key) || !EVP_MAC_update(ctx_.get(), data, message.size())) fail();
    Digest out{};
    std::size_t len = 0;
    if (!EVP_MAC_final(ctx_.get(), out.data(), &len, out.size()) || len != out.size()) fail();
    return out;
  }

 private:
  std::unique_ptr<EVP_MAC, MacDeleter> mac_;
  std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx_;
  std::string key_;
  bool keyed_ = false;

  bool init(std::string_view key) {
    if (keyed_ && key == key_) return EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) == 1;
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                           OSSL_PARAM_construct_end()};
    // OpenSSL wants a non-null key pointer even for the empty key.
    static const unsigned char empty = 0;
    const auto* k = key.empty() ? &empty : reinterpret_cast<const unsigned char*>(key.data());
    keyed_ = EVP_MAC_init(ctx_.get(), k, key.size(), params) == 1;
    key_.assign(key);
    return keyed_;
  }
  [[noreturn]] void fail() {
    keyed_ = false;
    throw std::runtime_error("OpenSSL: HMAC-SHA256 failed");
  }
};

HmacSha256& thread_hmac() {
  thread_local HmacSha256 hmac;
  return hmac;
}

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Digest hmac_sha256(std::string_view key, std::string_view message) { return thread_hmac().digest(key, message); }

bool digest_equal(const Digest& a, std::string_view b) {
  return b.size() == a.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

SignatureStatus verify_signed(simdjson::dom::element message, std::string_view key) {
  simdjson::dom::object object;
  if (message.get(object) != simdjson::SUCCESS) return SignatureStatus::malformed;
  simdjson::dom::element hmac_value, payload;
  if (object["hmac"].get(hmac_value) != simdjson::SUCCESS) return SignatureStatus::missing;
  std::string_view hmac_text;
  if (hmac_value.get(hmac_text) != simdjson::SUCCESS) return SignatureStatus::malformed;
  if (object["payload"].get(payload) != simdjson::SUCCESS) return SignatureStatus::malformed;
  auto claimed = codec::base64_decode(hmac_text);
  if (!claimed || claimed->size() != Digest().size()) return SignatureStatus::malformed;
  thread_local std::string canonical;
  canonical.clear();
  if (!append_canonical_json(canonical, payload)) return SignatureStatus::malformed;
  Digest ours = hmac_sha256(key, canonical);
  return digest_equal(ours, *claimed) ? SignatureStatus::ok : SignatureStatus::bad_signature;
}

Result<std::string> sign_payload(std::string_view payload_json, std::string_view key) {
  payload_json = trim(payload_json);
  auto canonical = canonical_json(payload_json);
  if (!canonical) return canonical.error();
  Digest digest = hmac_sha256(key, *canonical);
  std::string b64 = codec::base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  std::string line;
  line.reserve(payload_json.size() + b64.size() + 24);
  line += "{\"hmac\":\"";
  line += b64;
  line += "\",\"payload\":";
  line += payload_json;
  line += '}';
  return line;
}

}  // namespace iot::sign
