#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stream/envelope.hpp"

namespace iot::stream {
namespace {

TEST(RenderEnvelope, FieldOrderAndOmissions) {
  EnvelopeOut out;
  out.topic = "plant/P-7/telemetry";
  out.payload_json = R"({"v":1})";
  EXPECT_EQ(render_envelope(out), R"({"topic":"plant/P-7/telemetry","payload":{"v":1}})");
  out.enc = "json";
  out.qos = 1;
  out.retain = false;
  out.rx_ts = -5;
  out.fields_json = R"({"device":"P-7"})";
  out.props_json = R"({"user":{"a":"b"}})";
  out.extra_json = R"("seq":3,"note":"x")";
  EXPECT_EQ(render_envelope(out),
            R"({"topic":"plant/P-7/telemetry","payload":{"v":1},"enc":"json","qos":1,"retain":false,)"
            R"("rx_ts":-5,"fields":{"device":"P-7"},"props":{"user":{"a":"b"}},"seq":3,"note":"x"})");
}

TEST(RenderEnvelope, JournalPositionComesLast) {
  EnvelopeOut out;
  out.topic = "t";
  out.payload_json = "1";
  out.extra_json = R"("seq":3)";
  out.jpos = 42;
  EXPECT_EQ(render_envelope(out), R"({"topic":"t","payload":1,"seq":3,"jpos":42})");
}

TEST(RenderEnvelope, BinaryPayloadIsPaddedBase64) {
  for (auto [bytes, b64] : {std::pair<std::string, std::string>{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="},
                            {"foo", "Zm9v"}, {std::string("\0\x01\x02\xff", 4), "AAEC/w=="}}) {
    EnvelopeOut out;
    out.topic = "w";
    out.payload_bytes = bytes;
    out.enc = "binary";
    EXPECT_EQ(render_envelope(out), R"({"topic":"w","payload_b64":")" + b64 + R"(","enc":"binary"})");
  }
}

TEST(RenderEnvelope, TopicIsEscaped) {
  EnvelopeOut out;
  out.topic = "a\"b\\c\n\x01/é";
  out.payload_json = "1";
  auto line = render_envelope(out);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(line)["topic"], "a\"b\\c\n\x01/é");
  out.topic = "bad\xff";
  EXPECT_EQ(nlohmann::json::parse(render_envelope(out))["topic"], "bad\xef\xbf\xbd");
}

TEST(RenderEnvelope, RoundTripThroughTheParser) {
  EnvelopeOut out;
  out.topic = "i/ASNFZ4mr/a/Ej5FZ-ibEtOkVkJmFBdAAA/endpoints/modbus";
  out.payload_json = R"({"d":{"t":{"v":20.5,"q":192}},"s":"ü"})";
  out.enc = "zlib+json";
  out.qos = 2;
  out.retain = true;
  out.rx_ts = 1763800000123456789;
  out.fields_json = R"({"tenant":"0123456789ab"})";
  out.props_json = R"({"content_type":"application/json"})";
  std::string line = render_envelope(out);
  EnvelopeParser parser;
  auto v = parser.parse(line);
  ASSERT_TRUE(v) << v.error().message << "\n" << line;
  EXPECT_FALSE(v->bare);
  EXPECT_EQ(*v->topic, out.topic);
  EXPECT_EQ(simdjson::to_string(v->payload), *out.payload_json);
  EXPECT_EQ(*v->enc, "zlib+json");
  EXPECT_EQ(v->qos, 2);
  EXPECT_EQ(*v->retain, true);
  EXPECT_EQ(*v->rx_ts, 1763800000123456789);
  EXPECT_EQ(simdjson::to_string(v->fields), *out.fields_json);
  EXPECT_EQ(simdjson::to_string(v->props), *out.props_json);

  EnvelopeOut bin;
  bin.topic = "w/chunk/0";
  std::string bytes(1000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = char(i * 7);
  bin.payload_bytes = bytes;
  auto b = parser.parse(render_envelope(bin));
  ASSERT_TRUE(b);
  EXPECT_EQ(nlohmann::json::parse(render_envelope(bin))["payload_b64"].get<std::string>().size(), 1336u);
}

TEST(RenderEnvelope, NoPayloadGivenWritesNull) {
  EnvelopeOut out;
  out.topic = "t";
  EXPECT_EQ(render_envelope(out), R"({"topic":"t","payload":null})");
}

}  // namespace
}  // namespace iot::stream
