#include "iot-sub/message_format.hpp"

#include <gtest/gtest.h>

#include "iot-sub/json_pretty.hpp"

namespace iot::sub {
namespace {

mqtt::IncomingMessage msg(std::string_view topic, std::string_view payload) {
  mqtt::IncomingMessage m;
  m.topic = topic;
  m.payload = payload;
  m.qos = 1;
  m.mid = 7;
  return m;
}

std::string render(std::string_view format, const mqtt::IncomingMessage& m, const FormatContext& c = {}) {
  auto f = MessageFormat::parse(format);
  EXPECT_TRUE(f) << f.error().message;
  return f ? f->render(m, 1710844800123456789, c) : std::string();
}

TEST(MessageFormat, Directives) {
  auto m = msg("a/b", std::string_view("h\0i", 3));
  m.retain = true;
  m.props.content_type = "text/plain";
  const std::pair<const char*, std::string> cases[] = {
      {"%t %p", std::string("a/b h\0i", 7)},
      {"%l|%q|%r|%m", "3|1|1|7"},
      {"%x", "680069"},
      {"%I", "2024-03-19T10:40:00.123Z"},
      {"%U", "1710844800.123456789"},
      {"%C", "text/plain"},
      {"100%% \\\\ a\\tb\\nc\\r\\e", "100% \\ a\tb\nc\r\x1b"},
      {"", ""},
  };
  for (const auto& [format, want] : cases) EXPECT_EQ(render(format, m), want) << format;
}

TEST(MessageFormat, EnvelopeIsTheNdjsonLine) {
  MessageRenderer envelope{RenderSettings{}};
  FormatContext c;
  c.envelope = &envelope;
  auto m = msg("a/b", R"({"v":1})");
  EXPECT_EQ(render("%j", m, c), envelope.render(m, 1710844800123456789));
  EXPECT_EQ(render("<%j>", m, c), "<" + envelope.render(m, 1710844800123456789) + ">");
}

TEST(MessageFormat, ColourAndSafeTopic) {
  FormatContext c;
  c.color = true;
  c.safe_topic = true;
  EXPECT_EQ(render("%t", msg("a\x1b[31m", ""), c), "\x1b[1ma?[31m\x1b[0m");
  c.color = false;
  c.safe_topic = false;
  EXPECT_EQ(render("%t", msg("a\tb", ""), c), "a\tb");  // -F writes topics as they are
}

TEST(MessageFormat, RefusesMistakesWithTheirPosition) {
  const std::pair<const char*, const char*> cases[] = {
      {"%t %z", "unknown directive %z at position 4"},
      {"abc%", "lone '%' at the end at position 4"},
      {"x\\", "lone '\\' at the end at position 2"},
      {"\\q", "unknown escape \\q at position 1"},
  };
  for (const auto& [format, says] : cases) {
    auto f = MessageFormat::parse(format);
    ASSERT_FALSE(f) << format;
    EXPECT_EQ(f.error().reason, "usage");
    EXPECT_NE(f.error().message.find(says), std::string::npos) << f.error().message;
  }
}

TEST(PayloadView, ShowsEachKindOfPayload) {
  PayloadViewSettings plain;
  const std::pair<std::string, std::string> cases[] = {
      {"pump stopped", "pump stopped"},
      {R"({"a":[1,2.50],"b":{},"c":[]})", "{\n  \"a\": [\n    1,\n    2.50\n  ],\n  \"b\": {},\n  \"c\": []\n}"},
      {"42", "42"},
      {"", "(empty)"},
      {std::string("\x00\xff", 2), "(2 bytes) 00 ff"},
      {"ring\x07", "(5 bytes) 72 69 6e 67 07"},  // a control character is not shown as text
      {"\x81\xa1\x61\x01", "(msgpack) {\n  \"a\": 1\n}"},
      {std::string(40, '\x01'), "(40 bytes)" + [] {
         std::string hex;
         for (int i = 0; i < 32; ++i) hex += " 01";
         return hex;
       }() + " ..."},
  };
  for (const auto& [payload, want] : cases) {
    std::string out;
    append_payload_view(out, payload, plain);
    EXPECT_EQ(out, want);
  }
}

TEST(JsonPretty, KeepsTokensAndColoursLikeJq) {
  std::string out;
  append_pretty_json(out, R"( {"k" : "v\"}", "n":-1.0e3, "t":true, "z":null} )", true);
  EXPECT_EQ(out,
            "{\n  \x1b[34;1m\"k\"\x1b[0m: \x1b[32m\"v\\\"}\"\x1b[0m,\n  \x1b[34;1m\"n\"\x1b[0m: \x1b[36m-1.0e3\x1b[0m,\n"
            "  \x1b[34;1m\"t\"\x1b[0m: \x1b[33mtrue\x1b[0m,\n  \x1b[34;1m\"z\"\x1b[0m: \x1b[90mnull\x1b[0m\n}");
  std::string nested;
  append_pretty_json(nested, R"([{"a":["x",{"b":"y"}]}])", false);
  EXPECT_EQ(nested, "[\n  {\n    \"a\": [\n      \"x\",\n      {\n        \"b\": \"y\"\n      }\n    ]\n  }\n]");
}

}  // namespace
}  // namespace iot::sub
