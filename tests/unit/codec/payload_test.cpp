#include "codec/payload.hpp"

#include <gtest/gtest.h>

#include <string>

#include "codec/base64.hpp"
#include "codec/msgpack.hpp"
#include "codec/zlib.hpp"

namespace iot::codec {
namespace {

const char* kSeed000 =
    "{\"schema_version\": \"2.1\", \"msg_id\": \"01HX7K3NBVYD5V2Q3BZ8MNRZWK\", \"device_id\": \"P-007\", "
    "\"device_type\": \"centrifugal_pump\", \"ts\": 1710844800123, \"seq\": 48291, \"d\": {"
    "\"temp_inlet_c\": {\"v\": 72.4, \"q\": 192}, \"temp_outlet_c\": {\"v\": 81.2, \"q\": 192}, "
    "\"pressure_bar\": {\"v\": 4.2, \"q\": 192}, \"flow_m3h\": {\"v\": 142.7, \"q\": 192}, "
    "\"vibration_rms\": {\"v\": 0.82, \"q\": 68}, \"power_kw\": {\"v\": 18.4, \"q\": 192}}, "
    "\"meta\": {\"fw_version\": \"2.3.1\", \"gw_id\": \"gw-detroit-l3-01\", \"source_ts\": 1710844799980, "
    "\"edge_latency_ms\": 143}}";

std::string minified() { return encode_payload(kSeed000, Encoding::json).value(); }

TEST(EncodingName, NamesRoundTrip) {
  for (auto enc : {Encoding::json, Encoding::msgpack, Encoding::zlib_json, Encoding::zlib_msgpack, Encoding::binary}) {
    EXPECT_EQ(parse_encoding(encoding_name(enc)), enc);
  }
  EXPECT_EQ(encoding_name(Encoding::zlib_msgpack), "zlib+msgpack");
  EXPECT_EQ(parse_encoding("zlib"), std::nullopt);
  EXPECT_EQ(parse_encoding("JSON"), std::nullopt);
}

TEST(DecodePayload, DetectsEachEncodingAndGivesTheSameJson) {
  const std::string expect = minified();
  EXPECT_EQ(expect.find(": "), std::string::npos);
  for (auto enc : {Encoding::json, Encoding::msgpack, Encoding::zlib_json, Encoding::zlib_msgpack}) {
    auto wire = encode_payload(kSeed000, enc);
    ASSERT_TRUE(wire.ok()) << encoding_name(enc);
    DecodedPayload d = decode_payload(*wire);
    EXPECT_EQ(d.enc, enc) << encoding_name(enc);
    EXPECT_EQ(d.json, expect) << encoding_name(enc);
    EXPECT_TRUE(d.note.empty()) << d.note;
  }
  // Pretty-printed JSON with its whitespace arrives minified on one line.
  DecodedPayload pretty = decode_payload("{\n  \"a\": [1, 2]\n}\n");
  EXPECT_EQ(pretty.enc, Encoding::json);
  EXPECT_EQ(pretty.json, "{\"a\":[1,2]}");
}

TEST(DecodePayload, MsgpackMapOfSixteenKeysIsDetected) {
  std::string obj = "{";
  for (int i = 0; i < 20; ++i) obj += (i ? ",\"m" : "\"m") + std::to_string(i) + "\":" + std::to_string(i);
  obj += "}";
  DecodedPayload d = decode_payload(json_to_msgpack(obj).value());
  EXPECT_EQ(d.enc, Encoding::msgpack);
  EXPECT_EQ(d.json, obj);
}

TEST(DecodePayload, ScalarsAndTheOneByteAmbiguity) {
  EXPECT_EQ(decode_payload("7").enc, Encoding::json);  // the digit 7, not fixint 55
  EXPECT_EQ(decode_payload("7").json, "7");
  EXPECT_EQ(decode_payload(std::string("\x07", 1)).enc, Encoding::msgpack);
  EXPECT_EQ(decode_payload(std::string("\x07", 1)).json, "7");
  EXPECT_EQ(decode_payload("\xc3").json, "true");
  EXPECT_EQ(decode_payload("42").enc, Encoding::json);
  EXPECT_EQ(decode_payload("\"text\"").enc, Encoding::json);
  // A fixint with bytes after it is no MessagePack value (trailing bytes),
  // and no JSON either: binary, without a MessagePack note.
  DecodedPayload fixint_and_more = decode_payload(std::string("\x07\x01", 2));
  EXPECT_EQ(fixint_and_more.enc, Encoding::binary);
  EXPECT_EQ(fixint_and_more.note.find("msgpack"), std::string::npos) << fixint_and_more.note;
}

TEST(DecodePayload, BinaryAndWhy) {
  DecodedPayload empty = decode_payload("");
  EXPECT_EQ(empty.enc, Encoding::binary);
  EXPECT_TRUE(empty.json.empty());
  EXPECT_EQ(decode_payload("plain text").enc, Encoding::binary);
  EXPECT_EQ(decode_payload(std::string("\x00\x01\x02\xfe", 4)).enc, Encoding::binary);
  // Looks like JSON but is not valid UTF-8: binary, with a note.
  DecodedPayload bad_utf8 = decode_payload("{\"a\":\"\xff\"}");
  EXPECT_EQ(bad_utf8.enc, Encoding::binary);
  EXPECT_NE(bad_utf8.note.find("UTF-8"), std::string::npos) << bad_utf8.note;
  DecodedPayload broken = decode_payload("{\"a\":");
  EXPECT_EQ(broken.enc, Encoding::binary);
  EXPECT_FALSE(broken.note.empty());
  // "x^" is a valid zlib header but plain text.
  EXPECT_EQ(decode_payload("x^ not zlib").enc, Encoding::binary);
  // zlib around something that is neither JSON nor MessagePack.
  DecodedPayload inner = decode_payload(zlib_deflate("hello world"));
  EXPECT_EQ(inner.enc, Encoding::binary);
  EXPECT_NE(inner.note.find("zlib"), std::string::npos);
  // A truncated map16 says why.
  DecodedPayload trunc = decode_payload(std::string("\xde\x00\x10\xa1", 4));
  EXPECT_EQ(trunc.enc, Encoding::binary);
  EXPECT_NE(trunc.note.find("msgpack"), std::string::npos) << trunc.note;
}

TEST(DecodePayload, DecompressionBombIsBinaryWithANote) {
  std::string z = zlib_deflate(std::string(2u << 20, ' '), 9);
  DecodeLimits small;
  small.max_decompressed = 1u << 20;
  DecodedPayload d = decode_payload(z, small);
  EXPECT_EQ(d.enc, Encoding::binary);
  EXPECT_NE(d.note.find("over"), std::string::npos) << d.note;
}

TEST(DecodePayload, DeepNestingIsRefusedQuickly) {
  std::string deep_json = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(decode_payload(deep_json).enc, Encoding::binary);
  std::string deep_mp(100000, '\x91');
  deep_mp += '\x00';
  EXPECT_EQ(decode_payload(deep_mp).enc, Encoding::binary);
  EXPECT_EQ(decode_payload(zlib_deflate(deep_json)).enc, Encoding::binary);
  DecodeLimits shallow;
  shallow.max_depth = 2;
  EXPECT_EQ(decode_payload("[[1]]", shallow).enc, Encoding::json);
  EXPECT_EQ(decode_payload("[[[1]]]", shallow).enc, Encoding::binary);
}

TEST(EncodePayload, RefusesBinaryAndInvalidJson) {
  auto b = encode_payload("{}", Encoding::binary);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().kind, ErrorKind::usage);
  for (auto enc : {Encoding::json, Encoding::msgpack, Encoding::zlib_json, Encoding::zlib_msgpack}) {
    EXPECT_FALSE(encode_payload("{\"a\":", enc).ok()) << encoding_name(enc);
  }
}

TEST(EncodePayload, ZlibFormsAreZlibAroundTheInnerForm) {
  auto zj = encode_payload(kSeed000, Encoding::zlib_json).value();
  EXPECT_EQ(zlib_inflate(zj, 1u << 20).value(), minified());
  auto zm = encode_payload(kSeed000, Encoding::zlib_msgpack).value();
  EXPECT_EQ(zlib_inflate(zm, 1u << 20).value(), encode_payload(kSeed000, Encoding::msgpack).value());
}

}  // namespace
}  // namespace iot::codec
