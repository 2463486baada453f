#include "codec/msgpack.hpp"

#include <gtest/gtest.h>

#include <string>

#include "codec/base64.hpp"

namespace iot::codec {
namespace {

std::string hex(std::string_view h) { return hex_decode(h).value(); }

std::string decode_hex(std::string_view h) {
  auto r = msgpack_to_json(hex(h));
  EXPECT_TRUE(r.ok()) << h << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : "<error>";
}

TEST(MsgpackToJson, Scalars) {
  EXPECT_EQ(decode_hex("c0"), "null");
  EXPECT_EQ(decode_hex("c2"), "false");
  EXPECT_EQ(decode_hex("c3"), "true");
  EXPECT_EQ(decode_hex("00"), "0");
  EXPECT_EQ(decode_hex("7f"), "127");
  EXPECT_EQ(decode_hex("ff"), "-1");
  EXPECT_EQ(decode_hex("e0"), "-32");
}

TEST(MsgpackToJson, IntegersOfEveryWidthAndTheirExtremes) {
  EXPECT_EQ(decode_hex("ccff"), "255");
  EXPECT_EQ(decode_hex("cdffff"), "65535");
  EXPECT_EQ(decode_hex("ceffffffff"), "4294967295");
  EXPECT_EQ(decode_hex("cfffffffffffffffff"), "18446744073709551615");
  EXPECT_EQ(decode_hex("d080"), "-128");
  EXPECT_EQ(decode_hex("d18000"), "-32768");
  EXPECT_EQ(decode_hex("d280000000"), "-2147483648");
  EXPECT_EQ(decode_hex("d38000000000000000"), "-9223372036854775808");
  EXPECT_EQ(decode_hex("d37fffffffffffffff"), "9223372036854775807");
  EXPECT_EQ(decode_hex("d0ff"), "-1");
  EXPECT_EQ(decode_hex("d07f"), "127");
}

TEST(MsgpackToJson, Float64AndFloat32) {
  EXPECT_EQ(decode_hex("cb405219999999999a"), "72.4");
  EXPECT_EQ(decode_hex("cb3ff0000000000000"), "1.0");
  EXPECT_EQ(decode_hex("cb8000000000000000"), "-0.0");
  EXPECT_EQ(decode_hex("cb4341c37937e08000"), "1e+16");
  // float32 72.4 is 72.4000015258789 as a double, which python-msgpack also gives.
  EXPECT_EQ(decode_hex("ca4290cccd"), "72.4000015258789");
  EXPECT_EQ(decode_hex("ca3f800000"), "1.0");
}

TEST(MsgpackToJson, NanAndInfinityAreRefused) {
  for (const char* h : {"cb7ff8000000000000", "cb7ff0000000000000", "cbfff0000000000000", "ca7fc00000", "ca7f800000"}) {
    EXPECT_FALSE(msgpack_to_json(hex(h)).ok()) << h;
  }
}

TEST(MsgpackToJson, StringsOfEveryWidthEscaped) {
  EXPECT_EQ(decode_hex("a0"), "\"\"");
  EXPECT_EQ(decode_hex("a3612262"), "\"a\\\"b\"");
  EXPECT_EQ(decode_hex("d9020a01"), "\"\\n\\u0001\"");
  EXPECT_EQ(decode_hex("da0002c3bc"), "\"\xc3\xbc\"");
  EXPECT_EQ(decode_hex("db000000016b"), "\"k\"");
  EXPECT_FALSE(msgpack_to_json(hex("a1ff")).ok());  // invalid UTF-8
}

TEST(MsgpackToJson, ArraysAndMapsOfEveryWidth) {
  EXPECT_EQ(decode_hex("90"), "[]");
  EXPECT_EQ(decode_hex("80"), "{}");
  EXPECT_EQ(decode_hex("9301c0a178"), "[1,null,\"x\"]");
  EXPECT_EQ(decode_hex("dc00020102"), "[1,2]");
  EXPECT_EQ(decode_hex("dd000000020102"), "[1,2]");
  EXPECT_EQ(decode_hex("82a16101a1629102"), "{\"a\":1,\"b\":[2]}");
  EXPECT_EQ(decode_hex("de0001a16101"), "{\"a\":1}");
  EXPECT_EQ(decode_hex("df00000001a16180"), "{\"a\":{}}");
}

TEST(MsgpackToJson, MapsOfSixteenAndMoreKeys) {
  // A first-byte list of fixmaps only (0x80-0x8f) misses map16, which packb uses from 16 keys.
  std::string bytes = hex("de0011");
  std::string expect = "{";
  for (int i = 0; i < 17; ++i) {
    std::string key = "k" + std::to_string(i);
    bytes += static_cast<char>(0xa0 | key.size());
    bytes += key;
    bytes += static_cast<char>(i);
    expect += (i ? ",\"" : "\"") + key + "\":" + std::to_string(i);
  }
  expect += "}";
  EXPECT_EQ(msgpack_to_json(bytes).value(), expect);
}

TEST(MsgpackToJson, NonStringKeysBinAndExtAreRefused) {
  for (const char* h : {"810102", "81c0c0", "819001", "c40161", "c5000161", "c600000001 61", "d40100",
                        "c70101ff", "d5010000", "c1"}) {
    std::string clean;
    for (const char* p = h; *p; ++p) if (*p != ' ') clean += *p;
    EXPECT_FALSE(msgpack_to_json(hex(clean)).ok()) << h;
  }
}

TEST(MsgpackToJson, EveryByteMustBeConsumed) {
  EXPECT_FALSE(msgpack_to_json(hex("0101")).ok());
  EXPECT_FALSE(msgpack_to_json(hex("9101c0")).ok());
  EXPECT_FALSE(msgpack_to_json("").ok());
  // JSON text is a run of positive fixints: never a single complete value.
  EXPECT_FALSE(msgpack_to_json("{\"a\":1}").ok());
}

TEST(MsgpackToJson, TruncationAtEveryByteIsRefused) {
  std::string full = hex(
      "86a2696401a17492cb405219999999999aca4290cccda173d90568656c6c6f"
      "a16dde0001a16bc3a16ed38000000000000000a1759100");
  ASSERT_TRUE(msgpack_to_json(full).ok()) << msgpack_to_json(full).error().message;
  for (std::size_t n = 0; n < full.size(); ++n) EXPECT_FALSE(msgpack_to_json(full.substr(0, n)).ok()) << n;
}

TEST(MsgpackToJson, DeepNestingIsRefusedAtTheCap) {
  std::string deep(100000, '\x91');
  deep += '\x01';
  auto r = msgpack_to_json(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("deeper"), std::string::npos);
  std::string at_cap(256, '\x91');
  at_cap += '\x01';
  auto ok = msgpack_to_json(at_cap, 256);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, std::string(256, '[') + "1" + std::string(256, ']'));
  std::string empty_too_deep(257, '\x91');
  empty_too_deep.back() = '\x90';
  EXPECT_FALSE(msgpack_to_json(empty_too_deep, 256).ok());
}

TEST(MsgpackToJson, HostileLengthsFailFastWithoutAllocation) {
  EXPECT_FALSE(msgpack_to_json(hex("ddffffffff")).ok());
  EXPECT_FALSE(msgpack_to_json(hex("dfffffffff")).ok());
  EXPECT_FALSE(msgpack_to_json(hex("dbffffffff61")).ok());
}

}  // namespace
}  // namespace iot::codec
