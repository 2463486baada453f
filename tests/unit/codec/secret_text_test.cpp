#include "codec/secret_text.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace iot::codec {
namespace {

TEST(SecretText, OneTrailingNewlineGoesPrefixesDecode) {
  EXPECT_EQ(*decode_secret_text("s3cret\r\n", "k"), "s3cret");
  EXPECT_EQ(*decode_secret_text("s3cret\n\n", "k"), "s3cret\n");
  EXPECT_EQ(*decode_secret_text("base64:AAEC/w==", "k"), std::string("\x00\x01\x02\xff", 4));
  EXPECT_EQ(*decode_secret_text("hex:00ff\n", "k"), std::string("\x00\xff", 2));
}

TEST(SecretText, EmptyOrUndecodableIsAUsageErrorNamingTheFile) {
  for (const char* bad : {"", "\r\n", "hex:", "hex:0", "base64:@@"}) {
    auto s = decode_secret_text(bad, "pw.txt");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().kind, ErrorKind::usage);
    EXPECT_EQ(s.error().message.rfind("pw.txt: ", 0), 0u) << s.error().message;
  }
}

TEST(SecretText, ReadsAFileAndRefusesAMissingOne) {
  std::string path = testing::TempDir() + "secret_text_test.key";
  std::ofstream(path, std::ios::binary) << "hex:0a0b\n";
  EXPECT_EQ(*read_secret_file(path), std::string("\x0a\x0b", 2));
  std::remove(path.c_str());
  auto missing = read_secret_file(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find(path), std::string::npos);
}

}  // namespace
}  // namespace iot::codec
