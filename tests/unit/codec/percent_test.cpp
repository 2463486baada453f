#include "codec/percent.hpp"

#include <gtest/gtest.h>

#include <string>

namespace iot::codec {
namespace {

TEST(PercentDecode, EscapesOfEitherCaseBecomeTheirBytes) {
  EXPECT_EQ(percent_decode("p%40ss%2fw%2Fd"), "p@ss/w/d");
  EXPECT_EQ(percent_decode("%00%ff"), std::string("\0\xff", 2));
  EXPECT_EQ(percent_decode("plain"), "plain");
  EXPECT_EQ(percent_decode(""), "");
  EXPECT_EQ(percent_decode("a+b"), "a+b");  // '+' is not a space outside forms
}

TEST(PercentDecode, RefusesAPercentWithoutTwoHexDigits) {
  EXPECT_EQ(percent_decode("%"), std::nullopt);
  EXPECT_EQ(percent_decode("ab%4"), std::nullopt);
  EXPECT_EQ(percent_decode("%zz"), std::nullopt);
  EXPECT_EQ(percent_decode("%4g"), std::nullopt);
}

TEST(PercentEncode, KeepsUnreservedAndEscapesEveryOtherByte) {
  EXPECT_EQ(percent_encode("Az09-._~"), "Az09-._~");
  EXPECT_EQ(percent_encode("my org/b&c=d"), "my%20org%2Fb%26c%3Dd");
  EXPECT_EQ(percent_encode(std::string("\0\xff", 2)), "%00%FF");
}

TEST(PercentEncode, DecodesBackToEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  EXPECT_EQ(percent_decode(percent_encode(all)), all);
}

}  // namespace
}  // namespace iot::codec
