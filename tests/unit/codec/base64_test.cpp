#include "codec/base64.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace iot::codec {
namespace {

// RFC 4648 §10 test vectors.
const std::vector<std::pair<std::string, std::string>> kRfc4648 = {
    {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

TEST(Base64, Rfc4648VectorsEncodeAndDecode) {
  for (const auto& [plain, encoded] : kRfc4648) {
    EXPECT_EQ(base64_encode(plain), encoded);
    auto back = base64_decode(encoded);
    ASSERT_TRUE(back.ok()) << encoded << ": " << back.error().message;
    EXPECT_EQ(*back, plain);
  }
}

TEST(Base64, AllByteValuesRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t len = 0; len <= all.size(); len += 7) {
    std::string part = all.substr(0, len);
    auto back = base64_decode(base64_encode(part));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, part);
    auto url = base64url_decode(base64url_encode(part));
    ASSERT_TRUE(url.ok());
    EXPECT_EQ(*url, part);
  }
}

TEST(Base64, StrictDecodingRefusesMalformedText) {
  for (const char* bad : {"Zg", "Zg=", "Zm9", "Z===", "Zg==Zg==", "Zm9v!A==", "Zh==", "Zm9=", "=Zg=", "Zm 9v",
                          "Zm9-", "Zm9_"}) {
    auto r = base64_decode(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().reason, "decode");
    }
  }
}

TEST(Base64Url, UsesUrlAlphabetWithoutPadding) {
  std::string bytes = "\xfb\xff\xbf";
  EXPECT_EQ(base64_encode(bytes), "+/+/");
  EXPECT_EQ(base64url_encode(bytes), "-_-_");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
}

TEST(Base64Url, PaddingIsOptionalOnInput) {
  EXPECT_EQ(base64url_decode("Zg").value(), "f");
  EXPECT_EQ(base64url_decode("Zg==").value(), "f");
  EXPECT_EQ(base64url_decode("Zm8").value(), "fo");
  EXPECT_EQ(base64url_decode("Zm8=").value(), "fo");
  EXPECT_FALSE(base64url_decode("Zg=").ok());
  EXPECT_FALSE(base64url_decode("+/+/").ok());
  EXPECT_FALSE(base64url_decode("Z").ok());
}

TEST(Base64Url, Seed001IdEncodings) {
  // 12 hex chars -> 6 bytes -> 8 characters; a UUID's 16 bytes -> 22 characters.
  auto tenant = hex_decode("0123456789ab").value();
  EXPECT_EQ(base64url_encode(tenant).size(), 8u);
  EXPECT_EQ(hex_encode(base64url_decode(base64url_encode(tenant)).value()), "0123456789ab");
  auto uuid = hex_decode("123e4567e89b12d3a456426614174000").value();
  EXPECT_EQ(base64url_encode(uuid).size(), 22u);
}

TEST(Hex, EncodesLowercaseDecodesEitherCase) {
  EXPECT_EQ(hex_encode(std::string("\x00\xff\x10\xab", 4)), "00ff10ab");
  EXPECT_EQ(hex_decode("00FF10ab").value(), std::string("\x00\xff\x10\xab", 4));
  EXPECT_EQ(hex_decode("").value(), "");
  EXPECT_FALSE(hex_decode("abc").ok());
  EXPECT_FALSE(hex_decode("zz").ok());
  EXPECT_FALSE(hex_decode("0g").ok());
}

}  // namespace
}  // namespace iot::codec
