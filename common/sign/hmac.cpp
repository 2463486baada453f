// HMAC-SHA256 with the key's inner and outer SHA-256 states precomputed once
// per key (RFC 2104: H(K^opad || H(K^ipad || m))) and copied per message.
// The low-level SHA256_* API is deprecated in OpenSSL 3 but still shipped and
// still the fastest way (no provider dispatch, no allocation): EVP_MAC_init
// with a NULL key duplicates a provider context per message (two mallocs).
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "sign/hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>

#include "codec/base64.hpp"
#include "codec/wide_integers.hpp"
#include "sign/canonical_json.hpp"
#include "sign/canonical_plain.hpp"
#include "sign/canonical_writer.hpp"

namespace iot::sign {
namespace {

constexpr std::size_t kBlock = SHA256_CBLOCK;  // 64

// The two SHA-256 states after absorbing K^ipad and K^opad, for one key.
class HmacSha256 {
 public:
  Digest digest(std::string_view key, std::string_view message) {
    if (!keyed_ || key != key_) set_key(key);
    SHA256_CTX ctx = inner_;
    SHA256_Update(&ctx, message.data(), message.size());
    Digest inner_digest{};
    SHA256_Final(inner_digest.data(), &ctx);
    ctx = outer_;
    SHA256_Update(&ctx, inner_digest.data(), inner_digest.size());
    Digest out{};
    SHA256_Final(out.data(), &ctx);
    return out;
  }

 private:
  SHA256_CTX inner_{}, outer_{};
  std::string key_;
  bool keyed_ = false;

  void set_key(std::string_view key) {
    unsigned char block[kBlock] = {};
    if (key.size() > kBlock) {  // long keys are hashed first
      SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block);
    } else if (!key.empty()) {
      std::memcpy(block, key.data(), key.size());
    }
    unsigned char pad[kBlock];
    for (std::size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x36;
    SHA256_Init(&inner_);
    SHA256_Update(&inner_, pad, kBlock);
    for (std::size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x5c;
    SHA256_Init(&outer_);
    SHA256_Update(&outer_, pad, kBlock);
    OPENSSL_cleanse(block, kBlock);
    OPENSSL_cleanse(pad, kBlock);
    key_.assign(key);
    keyed_ = true;
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

// Decodes the base64 of a 32-byte digest into a stack array. Accepts exactly
// what codec::base64_decode accepts and decodes to 32 bytes: 43 symbols, one
// '=', and zero leftover bits (every other length decodes to another size).
bool decode_digest(std::string_view text, Digest& out) {
  static const auto table = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
    return t;
  }();
  if (text.size() != 44 || text[43] != '=') return false;
  uint32_t acc = 0;
  int bits = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < 43; ++i) {
    int8_t v = table[static_cast<unsigned char>(text[i])];
    if (v < 0) return false;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = static_cast<unsigned char>((acc >> bits) & 0xFF);
    }
  }
  return (acc & ((1u << bits) - 1)) == 0;  // 2 leftover bits, canonical when zero
}

}  // namespace

Digest hmac_sha256(std::string_view key, std::string_view message) { return thread_hmac().digest(key, message); }

bool digest_equal(const Digest& a, std::string_view b) {
  return b.size() == a.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

SignatureStatus matches(const Digest& claimed, std::string_view key, std::string_view canonical) {
  Digest ours = hmac_sha256(key, canonical);
  return CRYPTO_memcmp(ours.data(), claimed.data(), ours.size()) == 0 ? SignatureStatus::ok
                                                                       : SignatureStatus::bad_signature;
}

// verify_signed's steps; message_text: the message's JSON text (what follows
// it ignored) when known, else empty.
SignatureStatus verify_parsed(simdjson::dom::element message, std::string_view key, std::string_view message_text) {
  simdjson::dom::object object;
  if (message.get(object) != simdjson::SUCCESS) return SignatureStatus::malformed;
  simdjson::dom::element hmac_value, payload;
  if (object["hmac"].get(hmac_value) != simdjson::SUCCESS) return SignatureStatus::missing;
  std::string_view hmac_text;
  if (hmac_value.get(hmac_text) != simdjson::SUCCESS) return SignatureStatus::malformed;
  if (object["payload"].get(payload) != simdjson::SUCCESS) return SignatureStatus::malformed;
  Digest claimed{};
  if (!decode_digest(hmac_text, claimed)) return SignatureStatus::malformed;
  thread_local std::string scratch;  // reused: a warm call neither allocates nor fills
  std::optional<std::string_view> canonical;
  // The DOM's object["payload"] is the first member of that name, and so is
  // member_tail's (it gives up on escaped keys before it).
  if (!message_text.empty())
    if (auto payload_text = codec::member_tail(message_text, "payload"))
      canonical = plain_canonical_prefix(scratch, *payload_text);
  if (!canonical) canonical = canonical_json_into(scratch, payload);
  if (!canonical) return SignatureStatus::malformed;
  return matches(claimed, key, *canonical);
}

}  // namespace

SignatureStatus verify_signed(simdjson::dom::element message, std::string_view key) {
  return verify_parsed(message, key, {});
}

SignatureStatus verify_signed_text(simdjson::dom::element message, std::string_view key,
                                   std::string_view message_text) {
  return verify_parsed(message, key, message_text);
}

SignatureStatus verify_signed(simdjson::dom::element message, std::string_view key, std::string_view exact_message) {
  simdjson::dom::object object;
  if (message.get(object) != simdjson::SUCCESS) return SignatureStatus::malformed;
  simdjson::dom::element hmac_value;
  if (object["hmac"].get(hmac_value) != simdjson::SUCCESS) return SignatureStatus::missing;
  std::string_view hmac_text;
  if (hmac_value.get(hmac_text) != simdjson::SUCCESS) return SignatureStatus::malformed;
  Digest claimed{};
  if (!decode_digest(hmac_text, claimed)) return SignatureStatus::malformed;
  auto payload_text = codec::member_text(exact_message, "payload");
  if (!payload_text) return SignatureStatus::malformed;
  auto canonical = canonical_json(*payload_text);  // keeps every digit of every integer
  if (!canonical) return SignatureStatus::malformed;
  return matches(claimed, key, *canonical);
}

namespace {

// The strict base64 of a digest: 43 symbols and one '=' (what decode_digest takes back).
std::array<char, 44> encode_digest(const Digest& d) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::array<char, 44> out{};
  auto put = [&](std::size_t o, uint32_t v, int symbols) {
    for (int k = 0; k < symbols; ++k) out[o + k] = alphabet[(v >> (18 - 6 * k)) & 63];
  };
  for (std::size_t i = 0, o = 0; i < 30; i += 3, o += 4)
    put(o, uint32_t(d[i]) << 16 | uint32_t(d[i + 1]) << 8 | d[i + 2], 4);
  put(40, uint32_t(d[30]) << 16 | uint32_t(d[31]) << 8, 3);
  out[43] = '=';
  return out;
}

// 44 bytes equal, in constant time as CRYPTO_memcmp (no early exit), but
// in six word compares where CRYPTO_memcmp takes a call and a byte a step.
bool same_44(const char* a, const char* b) {
  std::uint64_t diff = 0;
  for (std::size_t i = 0; i < 40; i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    diff |= x ^ y;
  }
  std::uint32_t x, y;
  std::memcpy(&x, a + 40, 4);
  std::memcpy(&y, b + 40, 4);
  return (diff | (x ^ y)) == 0;
}

}  // namespace

// Our digest's base64 against the text: equal exactly when the text decodes
// (strictly) to our digest, so ok costs an encode, not a decode; otherwise
// the decode tells malformed from bad_signature, as verify_signed does.
SignatureStatus verify_canonical(std::string_view hmac_text, std::string_view canonical, std::string_view key) {
  const Digest ours = hmac_sha256(key, canonical);
  const std::array<char, 44> expected = encode_digest(ours);
  if (hmac_text.size() == expected.size() && same_44(expected.data(), hmac_text.data())) return SignatureStatus::ok;
  Digest claimed{};
  if (!decode_digest(hmac_text, claimed)) return SignatureStatus::malformed;
  return SignatureStatus::bad_signature;  // a strict encoding of another digest
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
