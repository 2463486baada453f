#include "sign/hmac.hpp"

#include <gtest/gtest.h>

#include "codec/base64.hpp"

namespace iot::sign {
namespace {

std::string unhex(std::string_view hex) { return codec::hex_decode(hex).value(); }
std::string hex(const Digest& d) {
  return codec::hex_encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

struct Rfc4231Case {
  const char* name;
  std::string key;
  std::string data;
  const char* sha256_hex;  // full 32 bytes, or the 16-byte prefix of case 5
};

// RFC 4231 §4.2-4.8, HMAC-SHA-256 results.
std::vector<Rfc4231Case> rfc4231_cases() {
  return {
      {"case1", std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"case2", "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"case3", std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {"case4", unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {"case5", std::string(20, '\x0c'), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b"},
      {"case6", std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"case7", std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size data. The key "
       "needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
}

TEST(Hmac, Rfc4231Sha256Vectors) {
  for (const auto& c : rfc4231_cases()) {
    std::string got = hex(hmac_sha256(c.key, c.data));
    std::string want = c.sha256_hex;
    EXPECT_EQ(got.substr(0, want.size()), want) << c.name;
  }
}

TEST(Hmac, KeyChangesBetweenCallsAreHonoured) {
  // The context is cached per thread: alternating keys must not leak state.
  auto cases = rfc4231_cases();
  for (int round = 0; round < 3; ++round)
    for (const auto& c : cases) EXPECT_EQ(hex(hmac_sha256(c.key, c.data)).substr(0, 32), std::string(c.sha256_hex).substr(0, 32)) << c.name;
}

TEST(Hmac, EmptyKeyAndMessage) {
  // python3 -c 'import hmac;print(hmac.digest(b"",b"","sha256").hex())'
  EXPECT_EQ(hex(hmac_sha256("", "")), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Hmac, DigestEqualIsExact) {
  Digest d = hmac_sha256("Jefe", "what do ya want for nothing?");
  std::string same(reinterpret_cast<const char*>(d.data()), d.size());
  EXPECT_TRUE(digest_equal(d, same));
  std::string flipped = same;
  flipped[31] ^= 1;
  EXPECT_FALSE(digest_equal(d, flipped));
  EXPECT_FALSE(digest_equal(d, same.substr(0, 31)));
  EXPECT_FALSE(digest_equal(d, same + "x"));
}

// The signed shape's example message (iot-stream(5)), signed by us and checked by us.
TEST(SignPayload, SignsTheCanonicalFormAndKeepsThePayloadText) {
  std::string payload = R"({"temperature": 20.52, "humidity": 60.64, "ts": 1759384453, "ts_ns": 920529791})";
  auto line = sign_payload(payload + "\n", "secret");
  ASSERT_TRUE(line.ok()) << line.error().message;
  EXPECT_EQ(line->rfind("{\"hmac\":\"", 0), 0u);
  EXPECT_NE(line->find("\"payload\":" + payload + "}"), std::string::npos);
  Digest want = hmac_sha256("secret", R"({"humidity":60.64,"temperature":20.52,"ts":1759384453,"ts_ns":920529791})");
  std::string b64 = codec::base64_encode(std::string_view(reinterpret_cast<const char*>(want.data()), want.size()));
  EXPECT_EQ(line->substr(9, 44), b64);

  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(*line);
  EXPECT_EQ(verify_signed(doc, "secret"), SignatureStatus::ok);
  EXPECT_EQ(verify_signed(doc, "other"), SignatureStatus::bad_signature);
}

TEST(SignPayload, RefusesWhatCannotBeSigned) {
  EXPECT_FALSE(sign_payload("{\"a\": NaN}", "k").ok());
  EXPECT_FALSE(sign_payload("{\"a\": 1", "k").ok());
  EXPECT_FALSE(sign_payload("", "k").ok());
}

TEST(VerifySigned, TellsMissingMalformedAndBadApart) {
  simdjson::dom::parser parser;
  auto status = [&](const std::string& text) { return verify_signed(parser.parse(text).value(), "k"); };
  EXPECT_EQ(status(R"({"payload":{"a":1}})"), SignatureStatus::missing);
  EXPECT_EQ(status(R"([1,2])"), SignatureStatus::malformed);
  EXPECT_EQ(status(R"({"hmac":12,"payload":{"a":1}})"), SignatureStatus::malformed);
  EXPECT_EQ(status(R"({"hmac":"not base64!","payload":{"a":1}})"), SignatureStatus::malformed);
  EXPECT_EQ(status(R"({"hmac":"AAAA","payload":{"a":1}})"), SignatureStatus::malformed);  // 3 bytes
  EXPECT_EQ(status(R"({"hmac":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})"), SignatureStatus::malformed);
  EXPECT_EQ(status(R"({"hmac":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","payload":{"a":1}})"),
            SignatureStatus::bad_signature);
  // Key order and whitespace of the payload do not matter, values do.
  auto signed_line = sign_payload(R"({"b": [1, 2.50, "x"], "a": {"z": null, "y": true}})", "k").value();
  EXPECT_EQ(status(signed_line), SignatureStatus::ok);
  std::string tampered = signed_line;
  tampered.replace(tampered.find("2.50"), 4, "2.51");
  EXPECT_EQ(status(tampered), SignatureStatus::bad_signature);
}

}  // namespace
}  // namespace iot::sign

// The stack decoder of the claimed HMAC accepts exactly the strict base64 of
// 32 bytes: one '=', canonical trailing bits, nothing else.
namespace iot::sign {
namespace {

TEST(VerifySigned, DigestEncodingIsStrict) {
  simdjson::dom::parser parser;
  const std::string good = sign_payload(R"({"a":1})", "k").value();
  auto status = [&](const std::string& text) { return verify_signed(parser.parse(text).value(), "k"); };
  ASSERT_EQ(status(good), SignatureStatus::ok);
  const std::string b64 = good.substr(9, 44);
  auto with_hmac = [&](const std::string& h) { return R"({"hmac":")" + h + R"(","payload":{"a":1}})"; };
  ASSERT_EQ(status(with_hmac(b64)), SignatureStatus::ok);
  EXPECT_EQ(status(with_hmac(b64.substr(0, 43))), SignatureStatus::malformed);        // padding dropped
  EXPECT_EQ(status(with_hmac(b64 + "=")), SignatureStatus::malformed);                // extra padding
  EXPECT_EQ(status(with_hmac(b64.substr(0, 42) + "==")), SignatureStatus::malformed);  // 31 bytes
  std::string bad_char = b64;
  bad_char[5] = '-';  // base64url, not base64
  EXPECT_EQ(status(with_hmac(bad_char)), SignatureStatus::malformed);
  // The last symbol carries 2 bits that must be zero: 'A' + 1 sets one of them.
  std::string loose = b64;
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  loose[42] = alphabet[(alphabet.find(loose[42]) & ~3u) | 1u];
  EXPECT_EQ(status(with_hmac(loose)), SignatureStatus::malformed);
  std::string flipped = b64;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(status(with_hmac(flipped)), SignatureStatus::bad_signature);
}

TEST(HmacSha256, LongKeysAndKeyChangesBetweenCalls) {
  // RFC 4231 case 6: a 131-byte key is hashed first.
  const std::string key(131, '\xaa');
  const std::string data = "Test Using Larger Than Block-Size Key - Hash Key First";
  Digest d = hmac_sha256(key, data);
  EXPECT_EQ(d[0], 0x60);
  EXPECT_EQ(d[31], 0x54);
  Digest other = hmac_sha256("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(other[0], 0x5b);
  EXPECT_EQ(hmac_sha256(key, data), d);  // back to the first key
}

}  // namespace
}  // namespace iot::sign

// A message with integers beyond 64 bits, signed by Python's json + hmac
// (key "secret-key"): its DOM holds the nearest doubles, so it verifies only
// over the exact text; one digit changed (a value with the same double) is
// forged.
TEST(VerifySigned, WideIntegersOverTheExactText) {
  const std::string exact =
      R"({"hmac":"B6okyf9+J6SaVxbAX7j9i46tbPuQYGAdcObwCTDLcEY=","payload":{"device_id":"P-1","ts":1759384454,)"
      R"("ts_ns":5,"seq":2,"counter":1000000000000000000000000000000,"neg":-18446744073709551615}})";
  const std::string as_doubles =
      R"({"hmac":"B6okyf9+J6SaVxbAX7j9i46tbPuQYGAdcObwCTDLcEY=","payload":{"device_id":"P-1","ts":1759384454,)"
      R"("ts_ns":5,"seq":2,"counter":1e30,"neg":-1.8446744073709552e19}})";
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(as_doubles).value();
  EXPECT_EQ(iot::sign::verify_signed(doc, "secret-key"), iot::sign::SignatureStatus::bad_signature);
  EXPECT_EQ(iot::sign::verify_signed(doc, "secret-key", exact), iot::sign::SignatureStatus::ok);
  std::string changed = exact;
  changed.replace(changed.find("1000000000000000000000000000000"), 31, "1000000000000000000000000000001");
  EXPECT_EQ(iot::sign::verify_signed(doc, "secret-key", changed), iot::sign::SignatureStatus::bad_signature);
  EXPECT_EQ(iot::sign::verify_signed(doc, "other-key", exact), iot::sign::SignatureStatus::bad_signature);
  simdjson::dom::element unsigned_doc = parser.parse(std::string(R"({"payload":{"a":1}})")).value();
  EXPECT_EQ(iot::sign::verify_signed(unsigned_doc, "k", R"({"payload":{"a":1}})"), iot::sign::SignatureStatus::missing);
}

// verify_canonical: the signed shape's last step, given the canonical text.
namespace iot::sign {
namespace {

TEST(VerifyCanonical, ChecksTheDigestOfTheGivenCanonicalText) {
  const std::string line = sign_payload(R"({"b": 2, "a": 1})", "k").value();
  const std::string b64 = line.substr(9, 44);
  EXPECT_EQ(verify_canonical(b64, R"({"a":1,"b":2})", "k"), SignatureStatus::ok);
  EXPECT_EQ(verify_canonical(b64, R"({"a":1,"b":3})", "k"), SignatureStatus::bad_signature);
  EXPECT_EQ(verify_canonical(b64, R"({"a":1,"b":2})", "other key"), SignatureStatus::bad_signature);
  EXPECT_EQ(verify_canonical(b64.substr(0, 43), R"({"a":1,"b":2})", "k"), SignatureStatus::malformed);
  EXPECT_EQ(verify_canonical("AAAA", R"({"a":1,"b":2})", "k"), SignatureStatus::malformed);
  // Our digest with the last symbol's 2 spare bits set: not strict base64, so malformed, not ok.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string loose = b64;
  loose[42] = alphabet[(alphabet.find(loose[42]) & ~3u) | 1u];
  EXPECT_EQ(verify_canonical(loose, R"({"a":1,"b":2})", "k"), SignatureStatus::malformed);
  // Every symbol of our encoding counts.
  for (std::size_t i = 0; i < 43; ++i) {
    std::string changed = b64;
    changed[i] = alphabet[(alphabet.find(changed[i]) + (i == 42 ? 4 : 1)) % 64];
    EXPECT_EQ(verify_canonical(changed, R"({"a":1,"b":2})", "k"), SignatureStatus::bad_signature) << i;
  }
}

}  // namespace
}  // namespace iot::sign
