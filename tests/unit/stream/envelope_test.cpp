#include "stream/envelope.hpp"

#include <gtest/gtest.h>

#include <string>

namespace iot::stream {
namespace {

std::string reason_of(EnvelopeParser& parser, std::string_view line) {
  auto r = parser.parse(line);
  return r ? std::string("ok") : r.error().reason;
}

TEST(EnvelopeParser, JournalPosition) {
  EnvelopeParser parser;
  auto v = parser.parse(R"({"topic":"a","payload":1,"jpos":18446744073709551615})");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v->jpos, 18446744073709551615u);
  auto none = parser.parse(R"({"topic":"a","payload":1})");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->jpos);
  for (std::string_view bad : {R"({"topic":"a","payload":1,"jpos":-1})", R"({"topic":"a","payload":1,"jpos":1.5})",
                               R"({"topic":"a","payload":1,"jpos":"7"})", R"({"topic":"a","payload":1,"jpos":1,"jpos":2})",
                               R"({"topic":"a","payload":1,"jpos":18446744073709551616})"}) {
    auto r = parser.parse(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "schema") << bad;
  }
}

TEST(EnvelopeParser, FullEnvelope) {
  EnvelopeParser parser;
  auto v = parser.parse(
      R"({"topic":"plant/P-7/telemetry","payload":{"v":1.5},"enc":"msgpack","qos":1,"retain":true,)"
      R"("rx_ts":1763800000123456789,"fields":{"device":"P-7"},"props":{"content_type":"application/json"},"x":[1]})");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_FALSE(v->bare);
  EXPECT_EQ(*v->topic, "plant/P-7/telemetry");
  ASSERT_TRUE(v->has_payload);
  EXPECT_EQ(double(v->payload["v"]), 1.5);
  EXPECT_FALSE(v->payload_b64);
  EXPECT_EQ(*v->enc, "msgpack");
  EXPECT_EQ(v->qos, 1);
  EXPECT_EQ(*v->retain, true);
  EXPECT_EQ(*v->rx_ts, 1763800000123456789);
  EXPECT_EQ(std::string_view(v->fields["device"]), "P-7");
  EXPECT_TRUE(v->props.is_object());
  EXPECT_TRUE(v->root["x"].is_array());  // unknown fields stay reachable
}

TEST(EnvelopeParser, MinimalEnvelopeHasDefaults) {
  EnvelopeParser parser;
  auto v = parser.parse(R"({"topic":"a","payload_b64":"AAEC/w=="})");
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->bare);
  EXPECT_FALSE(v->has_payload);
  EXPECT_EQ(*v->payload_b64, "AAEC/w==");
  EXPECT_EQ(v->qos, -1);
  EXPECT_FALSE(v->retain);
  EXPECT_FALSE(v->rx_ts);
  EXPECT_TRUE(v->fields.is_null());
  EXPECT_TRUE(v->props.is_null());
  // A JSON null payload is still a payload.
  auto n = parser.parse(R"({"topic":"a","payload":null})");
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->has_payload);
  EXPECT_TRUE(n->payload.is_null());
}

TEST(EnvelopeParser, BarePayloads) {
  EnvelopeParser parser;
  // the nested shape, and the signed shape: no topic -> bare.
  for (const char* line :
       {R"({"device_id":"P-7","ts":1,"d":{"temp":{"v":20.5,"q":192}}})",
        R"({"hmac":"3q2+7w==","payload":{"device_id":"P-7","ts":1763800000,"ts_ns":5}})",
        R"({"topic":"only a field of the payload","value":3})", R"({})"}) {
    auto v = parser.parse(line);
    ASSERT_TRUE(v) << line;
    EXPECT_TRUE(v->bare) << line;
    EXPECT_FALSE(v->topic) << line;
    ASSERT_TRUE(v->has_payload);
    EXPECT_TRUE(v->payload.is_object());
    EXPECT_EQ(simdjson::to_string(v->payload), simdjson::to_string(simdjson::dom::element(v->payload)));
  }
  auto signed_form = parser.parse(R"({"hmac":"3q2+7w==","payload":{"a":1}})");
  EXPECT_TRUE(signed_form->payload["hmac"].is_string());  // payload is the whole line
}

TEST(EnvelopeParser, PayloadTextStartsAtThePayload) {
  EnvelopeParser parser;
  const std::string bare = R"({"hmac":"3q2+7w==","payload":{"a":1}})";
  auto v = parser.parse(bare);
  ASSERT_TRUE(v);
  EXPECT_EQ(payload_text(*v), bare);
  const std::string line = R"({"topic":"a/b","payload":{"hmac":"3q2+7w==","payload":{"a":1}},"qos":1})";
  v = parser.parse(line);
  ASSERT_TRUE(v);
  EXPECT_EQ(payload_text(*v), R"({"hmac":"3q2+7w==","payload":{"a":1}},"qos":1})");
  v = parser.parse(R"({"topic":"a/b","payload_b64":"AAEC"})");
  ASSERT_TRUE(v);
  EXPECT_EQ(payload_text(*v), "");
  // The wide-integer fallback keeps no line text: the exact payload serves instead.
  v = parser.parse(R"({"topic":"a/b","payload":{"n":18446744073709551616}})");
  ASSERT_TRUE(v);
  EXPECT_EQ(payload_text(*v), "");
  EXPECT_TRUE(v->exact_payload);
}

TEST(EnvelopeParser, BadJson) {
  EnvelopeParser parser;
  for (std::string line : {std::string(""), std::string("   "), std::string("{"), std::string("[1,2]"),
                           std::string("\"topic\""), std::string("42"), std::string("{\"a\":1}{\"b\":2}"),
                           std::string("{\"a\":\"\xff\xfe\"}"),            // invalid UTF-8
                           std::string("{\"a\":\"\xc0\xaf\"}"),            // overlong encoding
                           std::string("{\"a\":1e400}"),                   // out of range double
                           std::string("{\"a\":18446744073709551616,}"),  // beyond 64 bits, and bad JSON
                           std::string("{\"a\":18446744073709551616,\"b\":1e400}"),
                           std::string("[18446744073709551616]"),          // not an object
                           std::string("{\"a\":tru}"), std::string("{'a':1}"), std::string("{\"a\":1,}")}) {
    EXPECT_EQ(reason_of(parser, line), "bad_json") << line;
  }
  EXPECT_EQ(reason_of(parser, std::string("{\"a\":\"x\0y\"}", 11)), "bad_json");  // raw NUL in a string
}

// Integers beyond 64 bits (iot-stream(5), NUMBERS): simdjson refuses them,
// the fallback reads them as their nearest double and keeps the exact text.
TEST(EnvelopeParser, WideIntegers) {
  EnvelopeParser parser;
  auto fast = parser.parse(R"({"a":18446744073709551615})");  // 2**64-1: simdjson's own
  ASSERT_TRUE(fast);
  EXPECT_FALSE(fast->has_wide_integers());
  EXPECT_FALSE(fast->exact_payload);

  auto bare = parser.parse(R"({"device_id": "P-1", "n": 1000000000000000000000000000000, "m": -18446744073709551615})");
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_TRUE(bare->bare);
  ASSERT_TRUE(bare->has_wide_integers());
  ASSERT_EQ(bare->wide_integers->size(), 2u);
  EXPECT_EQ((*bare->wide_integers)[0].digits, "1000000000000000000000000000000");
  EXPECT_EQ(double(bare->payload["n"]), 1e30);
  EXPECT_EQ(double(bare->payload["m"]), -18446744073709551615.0);
  EXPECT_EQ(bare->exact_payload.value_or(""),
            R"({"device_id":"P-1","n":1000000000000000000000000000000,"m":-18446744073709551615})");

  auto env = parser.parse(R"({"topic":"a/b","payload":{"n":18446744073709551616},"qos":1})");
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_FALSE(env->bare);
  EXPECT_EQ(*env->topic, "a/b");
  EXPECT_EQ(env->qos, 1);
  EXPECT_EQ(env->exact_payload.value_or(""), R"({"n":18446744073709551616})");
  // The next line on the fast path says nothing of wide integers.
  auto next = parser.parse(R"({"n":1})");
  ASSERT_TRUE(next);
  EXPECT_FALSE(next->has_wide_integers());
}

TEST(EnvelopeParser, TooLarge) {
  EnvelopeParser parser;
  std::string deep(100000, '[');
  deep = "{\"a\":" + deep + std::string(100000, ']') + "}";
  auto r = parser.parse(deep);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "too_large");
  EXPECT_EQ(r.error().kind, ErrorKind::too_large);
  // Just under the depth cap is fine (the object itself is one level).
  std::string ok = "{\"a\":" + std::string(limits::max_json_depth - 2, '[') +
                   std::string(limits::max_json_depth - 2, ']') + "}";
  EXPECT_EQ(reason_of(parser, ok), "ok");
  EnvelopeParser small(64);
  EXPECT_EQ(reason_of(small, "{\"a\":\"" + std::string(100, 'x') + "\"}"), "too_large");
  EXPECT_EQ(reason_of(small, R"({"a":1})"), "ok");
  // The parser recovers after an error.
  EXPECT_EQ(reason_of(parser, R"({"topic":"t","payload":1})"), "ok");
}

TEST(EnvelopeParser, EachFieldOfTheWrongTypeIsSchema) {
  EnvelopeParser parser;
  for (const char* line : {
           R"({"topic":5,"payload":1})",
           R"({"topic":null,"payload":1})",
           R"({"topic":"t","payload_b64":7})",
           R"({"topic":"t","payload_b64":"not base64!"})",
           R"({"topic":"t","payload_b64":"AAE"})",  // unpadded
           R"({"topic":"t","payload":1,"payload_b64":"AA=="})",
           R"({"topic":"t","payload":1,"enc":"gzip"})",
           R"({"topic":"t","payload":1,"enc":1})",
           R"({"topic":"t","payload":1,"qos":3})",
           R"({"topic":"t","payload":1,"qos":-1})",
           R"({"topic":"t","payload":1,"qos":1.0})",
           R"({"topic":"t","payload":1,"qos":"1"})",
           R"({"topic":"t","payload":1,"retain":1})",
           R"({"topic":"t","payload":1,"retain":"true"})",
           R"({"topic":"t","payload":1,"rx_ts":1.5})",
           R"({"topic":"t","payload":1,"rx_ts":"1"})",
           R"({"topic":"t","payload":1,"rx_ts":18446744073709551615})",  // over int64
           R"({"topic":"t","payload":1,"fields":[]})",
           R"({"topic":"t","payload":1,"fields":"a=b"})",
           R"({"topic":"t","payload":1,"props":null})",
       }) {
    auto r = parser.parse(line);
    ASSERT_FALSE(r) << line;
    EXPECT_EQ(r.error().reason, "schema") << line;
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input) << line;
  }
}

TEST(EnvelopeParser, DuplicateKeys) {
  EnvelopeParser parser;
  EXPECT_EQ(reason_of(parser, R"({"topic":"a","topic":"b","payload":1})"), "schema");
  EXPECT_EQ(reason_of(parser, R"({"topic":"a","payload":1,"payload":2})"), "schema");
  // Unknown keys are not ours to judge: kept as they are.
  auto v = parser.parse(R"({"topic":"a","payload":1,"x":1,"x":2})");
  ASSERT_TRUE(v);
  EXPECT_EQ(simdjson::to_string(v->root), R"({"topic":"a","payload":1,"x":1,"x":2})");
}

TEST(EnvelopeParser, AllFiveEncodings) {
  EnvelopeParser parser;
  for (const char* enc : {"json", "msgpack", "zlib+json", "zlib+msgpack", "binary"}) {
    EXPECT_TRUE(is_known_encoding(enc));
    auto v = parser.parse(std::string(R"({"topic":"t","payload":1,"enc":")") + enc + "\"}");
    ASSERT_TRUE(v) << enc;
    EXPECT_EQ(*v->enc, enc);
  }
  EXPECT_FALSE(is_known_encoding("JSON"));
}

TEST(EnvelopeParser, WhitespaceAndLargeNumbersInPayloadAreFine) {
  EnvelopeParser parser;
  auto v = parser.parse(R"(  { "topic" : "t" , "payload" : {"big": 18446744073709551615, "neg": -9223372036854775808} }  )");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(std::uint64_t(v->payload["big"]), 18446744073709551615ull);
}

TEST(EnvelopeParser, ViewsRemainValidUntilTheNextParse) {
  EnvelopeParser parser;
  std::string line = R"({"topic":"first/topic","payload":{"k":"v"}})";
  auto v = parser.parse(line);
  line.assign(line.size(), 'x');  // the caller's buffer may change: the parser copied it
  ASSERT_TRUE(v);
  EXPECT_EQ(*v->topic, "first/topic");
  EXPECT_EQ(std::string_view(v->payload["k"]), "v");
}

}  // namespace
}  // namespace iot::stream
