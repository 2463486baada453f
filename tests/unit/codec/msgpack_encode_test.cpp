#include <gtest/gtest.h>

#include <string>

#include "codec/base64.hpp"
#include "codec/msgpack.hpp"

namespace iot::codec {
namespace {

std::string packed_hex(std::string_view json) {
  auto r = json_to_msgpack(json);
  EXPECT_TRUE(r.ok()) << json;
  return r.ok() ? hex_encode(*r) : "<error>";
}

TEST(JsonToMsgpack, IntegersInTheSmallestTypeLikePackb) {
  EXPECT_EQ(packed_hex("0"), "00");
  EXPECT_EQ(packed_hex("127"), "7f");
  EXPECT_EQ(packed_hex("128"), "cc80");
  EXPECT_EQ(packed_hex("256"), "cd0100");
  EXPECT_EQ(packed_hex("65536"), "ce00010000");
  EXPECT_EQ(packed_hex("4294967296"), "cf0000000100000000");
  EXPECT_EQ(packed_hex("18446744073709551615"), "cfffffffffffffffff");
  EXPECT_EQ(packed_hex("-1"), "ff");
  EXPECT_EQ(packed_hex("-32"), "e0");
  EXPECT_EQ(packed_hex("-33"), "d0df");
  EXPECT_EQ(packed_hex("-129"), "d1ff7f");
  EXPECT_EQ(packed_hex("-32769"), "d2ffff7fff");
  EXPECT_EQ(packed_hex("-9223372036854775808"), "d38000000000000000");
}

TEST(JsonToMsgpack, FloatsAsFloat64) {
  EXPECT_EQ(packed_hex("72.4"), "cb405219999999999a");
  EXPECT_EQ(packed_hex("1.0"), "cb3ff0000000000000");
  EXPECT_EQ(packed_hex("1e2"), "cb4059000000000000");
}

// MessagePack has no integer beyond 64 bits: such an integer (Python's json
// writes them) goes as its nearest double, alone and inside containers
// (expected bytes: Python's struct.pack('>d', float(n))).
TEST(JsonToMsgpack, IntegersBeyond64BitsAsTheirNearestDouble) {
  EXPECT_EQ(packed_hex("18446744073709551616"), "cb43f0000000000000");
  EXPECT_EQ(packed_hex("1000000000000000000000000000000"), "cb46293e5939a08cea");
  EXPECT_EQ(packed_hex("\t\t" + std::string(67, '3') + "\t"), "cb4dbfa6e26d0b4d77");
  EXPECT_EQ(packed_hex(R"({"v":18446744073709551616})"), "81a176cb43f0000000000000");
  EXPECT_FALSE(json_to_msgpack("1e400").ok());  // a number error that is no wide integer stays an error
}

TEST(JsonToMsgpack, StringsContainersAndLiterals) {
  EXPECT_EQ(packed_hex("\"\""), "a0");
  EXPECT_EQ(packed_hex("\"a\\nb\""), "a3610a62");
  EXPECT_EQ(packed_hex(std::string("\"") + std::string(32, 'x') + "\""), "d920" + hex_encode(std::string(32, 'x')));
  EXPECT_EQ(packed_hex("[]"), "90");
  EXPECT_EQ(packed_hex("{}"), "80");
  EXPECT_EQ(packed_hex("[true,false,null]"), "93c3c2c0");
  EXPECT_EQ(packed_hex("{\"b\":1,\"a\":[2]}"), "82a16201a1619102");  // document order kept
}

TEST(JsonToMsgpack, SixteenElementsUseTheSixteenBitForms) {
  std::string arr = "[", obj = "{";
  for (int i = 0; i < 16; ++i) {
    arr += (i ? "," : "") + std::to_string(i);
    obj += (i ? ",\"" : "\"") + std::string(1, char('a' + i)) + "\":" + std::to_string(i);
  }
  arr += "]";
  obj += "}";
  EXPECT_EQ(packed_hex(arr).substr(0, 6), "dc0010");
  EXPECT_EQ(packed_hex(obj).substr(0, 6), "de0010");
  EXPECT_EQ(msgpack_to_json(json_to_msgpack(obj).value()).value(), obj);
}

TEST(JsonToMsgpack, RoundTripThroughTheDecoder) {
  const char* doc =
      "{\"schema_version\":\"2.1\",\"msg_id\":\"01HX7K3NBVYD5V2Q3BZ8MNRZWK\",\"ts\":1710844800123,"
      "\"d\":{\"temp_inlet_c\":{\"v\":72.4,\"q\":192},\"vibration_rms\":{\"v\":0.82,\"q\":68}},"
      "\"neg\":-5,\"ok\":true,\"none\":null,\"s\":\"gr\xc3\xbc\\u00df\"}";
  auto packed = json_to_msgpack(doc);
  ASSERT_TRUE(packed.ok());
  EXPECT_EQ(msgpack_to_json(*packed).value(),
            "{\"schema_version\":\"2.1\",\"msg_id\":\"01HX7K3NBVYD5V2Q3BZ8MNRZWK\",\"ts\":1710844800123,"
            "\"d\":{\"temp_inlet_c\":{\"v\":72.4,\"q\":192},\"vibration_rms\":{\"v\":0.82,\"q\":68}},"
            "\"neg\":-5,\"ok\":true,\"none\":null,\"s\":\"gr\xc3\xbc\xc3\x9f\"}");
}

TEST(JsonToMsgpack, InvalidOrTooDeepJsonIsRefused) {
  EXPECT_FALSE(json_to_msgpack("{").ok());
  EXPECT_FALSE(json_to_msgpack("").ok());
  EXPECT_FALSE(json_to_msgpack("[1] 2").ok());
  EXPECT_FALSE(json_to_msgpack(std::string(100000, '[') + std::string(100000, ']')).ok());
}

}  // namespace
}  // namespace iot::codec
