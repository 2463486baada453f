// Key files (common/registry/key_file.cpp): iot-registry(5), key_file.
#include <gtest/gtest.h>

#include "registry/registry.hpp"

namespace iot::registry {
namespace {

TEST(KeyFile, OneTrailingNewlineIgnored) {
  EXPECT_EQ(*decode_key_text("secret\n", "k"), "secret");
  EXPECT_EQ(*decode_key_text("secret\r\n", "k"), "secret");
  EXPECT_EQ(*decode_key_text("secret\n\n", "k"), "secret\n");
  EXPECT_EQ(*decode_key_text("secret", "k"), "secret");
  EXPECT_EQ(*decode_key_text(" spaced ", "k"), " spaced ");
}

TEST(KeyFile, Base64AndHexPrefixes) {
  EXPECT_EQ(*decode_key_text("base64:AAEC/w==\n", "k"), std::string("\x00\x01\x02\xff", 4));
  EXPECT_EQ(*decode_key_text("hex:0001FF\n", "k"), std::string("\x00\x01\xff", 3));
}

TEST(KeyFile, Refused) {
  for (const char* bad : {"", "\n", "base64:", "base64:***", "hex:0g", "hex:abc"}) {
    auto k = decode_key_text(bad, "site.key");
    ASSERT_FALSE(k.ok()) << bad;
    EXPECT_EQ(k.error().kind, ErrorKind::usage);
    EXPECT_EQ(k.error().message.rfind("site.key: ", 0), 0u) << k.error().message;
  }
  EXPECT_FALSE(read_key_file("/nonexistent/dir/site.key").ok());
}

}  // namespace
}  // namespace iot::registry
