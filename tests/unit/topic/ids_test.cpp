// Known vectors computed with Python: base64.urlsafe_b64encode(bytes.fromhex(h))
// and base64.urlsafe_b64encode(uuid.UUID(u).bytes).rstrip(b"=").
#include <gtest/gtest.h>

#include <initializer_list>

#include "topic/pattern.hpp"

namespace iot::topic {
namespace {

struct Vector {
  const char* plain;
  const char* encoded;
};

// Every vector encodes to its text and that text decodes back to the plain form.
template <typename Encode, typename Decode>
void expect_both_ways(Encode encode, Decode decode, std::initializer_list<Vector> vectors) {
  for (const auto& v : vectors) {
    auto enc = encode(v.plain);
    ASSERT_TRUE(enc) << v.plain;
    EXPECT_EQ(*enc, v.encoded);
    auto dec = decode(v.encoded);
    ASSERT_TRUE(dec) << v.encoded;
    EXPECT_EQ(*dec, v.plain);
  }
}

TEST(B64Hex, KnownVectorsBothWays) {
  expect_both_ways(&b64hex_encode, &b64hex_decode,
                   {Vector{"0123456789ab", "ASNFZ4mr"}, Vector{"a1b2c3d4e5f6", "obLD1OX2"},
                    Vector{"000000000000", "AAAAAAAA"}, Vector{"ffffffffffff", "________"}});
}

TEST(B64Hex, EncodeAcceptsUpperCaseDecodeGivesLower) {
  EXPECT_EQ(*b64hex_encode("A1B2C3D4E5F6"), "obLD1OX2");
  EXPECT_EQ(*b64hex_decode("obLD1OX2"), "a1b2c3d4e5f6");
}

TEST(B64Hex, RefusesWrongLengthAlphabetAndPadding) {
  EXPECT_FALSE(b64hex_decode("ASNFZ4m"));
  EXPECT_FALSE(b64hex_decode("ASNFZ4mrA"));
  EXPECT_FALSE(b64hex_decode("ASNF+4mr"));  // standard alphabet, not url
  EXPECT_FALSE(b64hex_decode("ASNFZ4=="));
  EXPECT_FALSE(b64hex_encode("0123456789a"));
  EXPECT_FALSE(b64hex_encode("0123456789ag"));
  EXPECT_EQ(b64hex_decode("").error().reason, "decode");
}

TEST(B64Uuid, KnownVectorsBothWays) {
  expect_both_ways(&b64uuid_encode, &b64uuid_decode,
                   {Vector{"123e4567-e89b-12d3-a456-426614174000", "Ej5FZ-ibEtOkVkJmFBdAAA"},
                    Vector{"00000000-0000-0000-0000-000000000000", "AAAAAAAAAAAAAAAAAAAAAA"},
                    Vector{"ffffffff-ffff-ffff-ffff-ffffffffffff", "_____________________w"}});
}

TEST(B64Uuid, AcceptsUpperCaseAndUndashed) {
  EXPECT_EQ(*b64uuid_encode("123E4567-E89B-12D3-A456-426614174000"), "Ej5FZ-ibEtOkVkJmFBdAAA");
  EXPECT_EQ(*b64uuid_encode("123e4567e89b12d3a456426614174000"), "Ej5FZ-ibEtOkVkJmFBdAAA");
}

TEST(B64Uuid, RefusesMalformed) {
  EXPECT_FALSE(b64uuid_encode("123e4567-e89b-12d3-a456-42661417400"));
  EXPECT_FALSE(b64uuid_encode("123e4567-e89b12d3--a456-426614174000"));
  EXPECT_FALSE(b64uuid_encode("123e4567-e89b-12d3-a456-42661417400z"));
  EXPECT_FALSE(b64uuid_decode("Ej5FZ-ibEtOkVkJmFBdAA"));
  EXPECT_FALSE(b64uuid_decode("Ej5FZ-ibEtOkVkJmFBdAA="));
  // The last character carries 2 bits of data and 4 zero bits: "x" is not canonical.
  EXPECT_FALSE(b64uuid_decode("_____________________x"));
}

}  // namespace
}  // namespace iot::topic
