// The signature step (common/registry/signature_check.cpp), table-driven:
// every payload form against a key, with and without --allow-unsigned, and
// the word the detail starts with.
#include "registry/signature_check.hpp"

#include <gtest/gtest.h>

#include "sign/hmac.hpp"

namespace iot::registry {
namespace {

const std::string key = "site-key";
const std::string inner = R"({"humidity":60.64,"temperature":20.52,"ts":1759384453,"ts_ns":920529791})";

std::string signed_with(std::string_view k) { return sign::sign_payload(inner, k).value(); }

TEST(SignedHmac, OnlyTheSignedShapeHasOne) {
  simdjson::dom::parser parser;
  struct Row {
    std::string json;
    std::optional<std::string> hmac;
  } rows[] = {
      {R"({"hmac":"abc=","payload":{"a":1}})", "abc="},
      {R"({"payload":{"a":1},"hmac":""})", ""},
      {R"({"hmac":"abc="})", std::nullopt},                // no payload
      {R"({"hmac":5,"payload":{}})", std::nullopt},        // hmac not a string
      {R"({"device_id":"d","ts":1})", std::nullopt},
      {R"([{"hmac":"abc=","payload":{}}])", std::nullopt},  // an array is no signed form
      {R"("hmac")", std::nullopt},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.json);
    auto hmac = signed_hmac(parser.parse(row.json).value());
    ASSERT_EQ(hmac.has_value(), row.hmac.has_value());
    if (hmac) {
      EXPECT_EQ(*hmac, *row.hmac);
    }
  }
}

TEST(CheckSignature, EveryFormWithAndWithoutAllowUnsigned) {
  const std::string good = signed_with(key);
  const std::string forged = signed_with("another-key");
  // The signed bytes changed after signing: 20.52 -> 20.53.
  std::string tampered = good;
  tampered.replace(tampered.find("20.52"), 5, "20.53");
  struct Row {
    const char* what;
    std::string json;
    bool allow_unsigned;
    std::string detail;  // "" when it passes, else the word the detail starts with
  } rows[] = {
      {"signed with the key", good, false, ""},
      {"signed with the key, lenient", good, true, ""},
      {"signed with another key", forged, false, "forged:"},
      {"another key is forged even when lenient", forged, true, "forged:"},
      {"tampered after signing", tampered, false, "forged:"},
      {"unsigned", inner, false, "missing:"},
      {"unsigned, lenient", inner, true, ""},
      {"hmac not a string", R"({"hmac":1,"payload":{"a":1}})", false, "malformed:"},
      {"hmac not a string, lenient", R"({"hmac":1,"payload":{"a":1}})", true, "malformed:"},
      {"hmac without payload", R"({"hmac":"abc="})", true, "malformed:"},
      {"hmac not base64 of 32 bytes", R"({"hmac":"abc=","payload":{"a":1}})", false, "malformed:"},
  };
  simdjson::dom::parser parser;
  for (const auto& row : rows) {
    SCOPED_TRACE(row.what);
    auto st = check_signature(parser.parse(row.json).value(), key, row.allow_unsigned);
    if (row.detail.empty()) {
      EXPECT_TRUE(st.ok()) << st.error().message;
      continue;
    }
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().reason, "bad_signature");
    EXPECT_EQ(st.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(st.error().message.rfind(row.detail, 0), 0u) << st.error().message;
  }
}

}  // namespace
}  // namespace iot::registry
