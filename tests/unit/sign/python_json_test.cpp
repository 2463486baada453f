#include "sign/python_json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include <fmt/format.h>

#include "sign/canonical_json.hpp"

namespace iot::sign {
namespace {

std::string py_string(std::string_view s) {
  std::string out;
  EXPECT_TRUE(append_python_string(out, s)) << s;
  return out;
}

// Expected values written by python3: json.dumps(s) (ensure_ascii default).
TEST(PythonString, EscapesLikeEnsureAscii) {
  EXPECT_EQ(py_string("plain"), R"("plain")");
  EXPECT_EQ(py_string("a\"b\\c/d"), R"("a\"b\\c/d")");
  EXPECT_EQ(py_string("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(py_string(std::string("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(py_string("\x7f"), R"("\u007f")");
  EXPECT_EQ(py_string("\xc3\xbc"), R"("\u00fc")");               // ü
  EXPECT_EQ(py_string("\xe2\x80\xa8"), R"("\u2028")");           // line separator
  EXPECT_EQ(py_string("\xef\xbf\xbf"), R"("\uffff")");
  EXPECT_EQ(py_string("\xf0\x9f\x98\x80"), R"("\ud83d\ude00")");  // 😀
  EXPECT_EQ(py_string("\xf4\x8f\xbf\xbf"), R"("\udbff\udfff")");  // U+10FFFF
  EXPECT_EQ(py_string("\xe6\xb8\xa9\xe5\xba\xa6 C"), R"("\u6e29\u5ea6 C")");
}

TEST(PythonString, RefusesInvalidUtf8) {
  std::string out;
  for (std::string bad : {"\xc3", "\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80",
                          "\xe2\x82", "a\xffz"})
    EXPECT_FALSE(append_python_string(out, bad)) << bad.size();
}

// Expected values: python3 -c 'print(repr(float(x)))'.
TEST(PythonFloat, MatchesRepr) {
  EXPECT_EQ(python_float_repr(72.4), "72.4");
  EXPECT_EQ(python_float_repr(20.52), "20.52");
  EXPECT_EQ(python_float_repr(1.0), "1.0");
  EXPECT_EQ(python_float_repr(-0.0), "-0.0");
  EXPECT_EQ(python_float_repr(0.0), "0.0");
  EXPECT_EQ(python_float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(python_float_repr(9999999999999998.0), "9999999999999998.0");
  EXPECT_EQ(python_float_repr(1e16), "1e+16");
  EXPECT_EQ(python_float_repr(1.5e16), "1.5e+16");
  EXPECT_EQ(python_float_repr(1e22), "1e+22");
  EXPECT_EQ(python_float_repr(1e-4), "0.0001");
  EXPECT_EQ(python_float_repr(1.5e-4), "0.00015");
  EXPECT_EQ(python_float_repr(9.99e-5), "9.99e-05");
  EXPECT_EQ(python_float_repr(1e-5), "1e-05");
  EXPECT_EQ(python_float_repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(python_float_repr(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(python_float_repr(5e-324), "5e-324");
  EXPECT_EQ(python_float_repr(2.2250738585072014e-308), "2.2250738585072014e-308");
  EXPECT_EQ(python_float_repr(123456789.125), "123456789.125");
  EXPECT_EQ(python_float_repr(-1e100), "-1e+100");
  EXPECT_EQ(python_float_repr(std::ldexp(1.0, 64)), "1.8446744073709552e+19");
}

}  // namespace
}  // namespace iot::sign

// The short-decimal fast path of append_python_float against the general
// shortest form (fmt's "{}" plus Python's ".0"), on readings-like values.
namespace iot::sign {
namespace {

std::string general_float_repr(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

TEST(PythonFloat, ShortDecimalsMatchTheGeneralShortestForm) {
  std::mt19937_64 rng(3);
  const double scales[] = {1, 10, 100, 1000, 10000, 100000};
  for (int i = 0; i < 200000; ++i) {
    long long m = static_cast<long long>(rng() % 20000000000ULL) - 10000000000LL;
    if (i % 2) m %= 100000;
    double v = double(m) / scales[rng() % 6];
    EXPECT_EQ(python_float_repr(v), general_float_repr(v)) << v;
  }
  for (double v : {0.0, -0.0, 1e-4, 0.00012, 0.1, 0.30000000000000004, 999999999.9999, -999999999.9999, 1e9,
                   123456789.1234, 1e16, -72.4, 5e-324})
    EXPECT_EQ(python_float_repr(v), general_float_repr(v)) << v;
  EXPECT_EQ(python_float_repr(59.95), "59.95");
  EXPECT_EQ(python_float_repr(-3.0), "-3.0");
  EXPECT_EQ(python_float_repr(0.0005), "0.0005");
}

}  // namespace
}  // namespace iot::sign

namespace iot::sign {
namespace {

// needs_python_escape reads words and overlapping tails: every length and
// position against the byte-wise rule of Python's ESCAPE_ASCII.
TEST(PythonString, NeedsEscapeAtEveryLengthAndPosition) {
  auto reference = [](const std::string& s) {
    for (unsigned char c : s)
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return true;
    return false;
  };
  const std::string special("\x00\x1f\"\\\x7f\x80\xff", 7);
  const std::string plain = " ~a!#[]";
  for (std::size_t n = 0; n <= 25; ++n) {
    std::string base;
    for (std::size_t i = 0; i < n; ++i) base += plain[i % plain.size()];
    EXPECT_FALSE(needs_python_escape(base)) << n;
    for (std::size_t at = 0; at < n; ++at) {
      for (char c : special) {
        std::string s = base;
        s[at] = c;
        EXPECT_EQ(needs_python_escape(s), reference(s)) << n << " at " << at << " byte " << int(c);
        EXPECT_TRUE(needs_python_escape(s));
      }
    }
  }
}

}  // namespace
}  // namespace iot::sign
