#include "iot-sub/renderer.hpp"

#include <gtest/gtest.h>

#include "codec/msgpack.hpp"
#include "codec/zlib.hpp"

using iot::sub::MessageRenderer;
using iot::sub::RenderSettings;

namespace {
iot::mqtt::IncomingMessage msg(std::string_view topic, std::string_view payload) {
  iot::mqtt::IncomingMessage m;
  m.topic = topic;
  m.payload = payload;
  m.qos = 1;
  return m;
}
}  // namespace

TEST(Renderer, JsonEnvelope) {
  MessageRenderer r(RenderSettings{});
  auto m = msg("a/b", R"({"v": 1})");
  m.props.content_type = "application/json";
  EXPECT_EQ(r.render(m, 7),
            R"({"topic":"a/b","payload":{"v":1},"enc":"json","qos":1,"retain":false,"rx_ts":7,)"
            R"("props":{"content_type":"application/json"}})");
}

TEST(Renderer, ZlibMsgpackDecoded) {
  MessageRenderer r(RenderSettings{});
  std::string wire = iot::codec::zlib_deflate(*iot::codec::json_to_msgpack(R"({"a":[1,2]})"));
  auto line = r.render(msg("t", wire), 1);
  EXPECT_NE(line.find(R"("payload":{"a":[1,2]},"enc":"zlib+msgpack")"), std::string::npos) << line;
}

TEST(Renderer, BinaryIsByteExactBase64) {
  MessageRenderer r(RenderSettings{});
  auto line = r.render(msg("t", std::string("\x00\xff\x10", 3)), 1);
  EXPECT_NE(line.find(R"("payload_b64":"AP8Q","enc":"binary")"), std::string::npos) << line;
}

TEST(Renderer, PatternFillsFields) {
  RenderSettings s;
  s.pattern = *iot::topic::TopicPattern::parse("plant/{device}/{kind}");
  MessageRenderer r(std::move(s));
  auto line = r.render(msg("plant/P-1/telemetry", "{}"), 1);
  EXPECT_NE(line.find(R"("fields":{"device":"P-1","kind":"telemetry"})"), std::string::npos) << line;
}

TEST(Renderer, PayloadOnlyAndRaw) {
  RenderSettings s;
  s.payload_only = true;
  EXPECT_EQ(MessageRenderer(s).render(msg("t", R"({"a":1})"), 1), R"({"a":1})");
  EXPECT_EQ(MessageRenderer(s).render(msg("t", "\xc1"), 1), R"({"payload_b64":"wQ=="})");  // 0xc1: never MessagePack
  RenderSettings raw;
  raw.raw = true;
  auto line = MessageRenderer(raw).render(msg("t", R"({"a":1})"), 1);
  EXPECT_NE(line.find(R"("payload_b64":"eyJhIjoxfQ==")"), std::string::npos) << line;
}
