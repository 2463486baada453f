// plain_scan.hpp: the 16-byte number scan must give the byte loop's answer
// for every text, and same_bytes memcmp's.
#include "sign/plain_scan.hpp"

#include <gtest/gtest.h>

#include <string>

namespace iot::sign::detail {
namespace {

// Every text of up to five bytes over the bytes a number is made of (and a
// few that end or break one), followed by each of a few bytes and padding
// so the 16-byte look applies, and once more at the very end of the buffer.
TEST(PlainScan, NumberEndAgreesWithTheByteLoop) {
  const std::string alphabet = "-.0159e";
  const std::string afters[] = {",", "}", "e", "E", "0", "-", ".", " ", "x"};
  std::string text;
  std::size_t checked = 0;
  for (std::size_t len = 1; len <= 5; ++len) {
    std::size_t total = 1;
    for (std::size_t i = 0; i < len; ++i) total *= alphabet.size();
    for (std::size_t n = 0; n < total; ++n) {
      std::string number;
      for (std::size_t i = 0, k = n; i < len; ++i, k /= alphabet.size()) number += alphabet[k % alphabet.size()];
      for (const std::string& after : afters) {
        text = number + after + std::string(16, ' ');
        const char* b = text.data();
        const char* e = b + text.size();
        ASSERT_EQ(plain_number_end(b, e), plain_number_end_bytes(b, e)) << number << after;
        e = b + number.size();  // no room for the 16-byte look: the byte loop
        ASSERT_EQ(plain_number_end(b, e), plain_number_end_bytes(b, e)) << number;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100000u);
}

TEST(PlainScan, NumberEndAtTheLimits) {
  for (const std::string number :
       {"123456789012345678", "1234567890123456789", "-123456789012345678", "123456789012345.0", "1234567890123456.0",
        "12345678901234.5", "123456789012345.5", "0.0001", "0.00001", "0.000123456789012345", "0.0001234567890123456",
        "-0", "-0.0", "0", "00", "01.5", "1.50", "-", "-.5", "1.", "9999999999999.99"}) {
    const std::string text = number + "," + std::string(16, ' ');
    EXPECT_EQ(plain_number_end(text.data(), text.data() + text.size()),
              plain_number_end_bytes(text.data(), text.data() + text.size()))
        << number;
  }
}

TEST(PlainScan, SameBytesIsMemcmp) {
  std::string a(80, 'k'), b(80, 'k');
  for (std::size_t n = 0; n <= 64; ++n) {
    EXPECT_TRUE(same_bytes(a.data(), b.data(), n)) << n;
    for (std::size_t at = 0; at < n; ++at) {
      b[at] = 'j';
      EXPECT_FALSE(same_bytes(a.data(), b.data(), n)) << n << " " << at;
      b[at] = 'k';
    }
  }
}

}  // namespace
}  // namespace iot::sign::detail
