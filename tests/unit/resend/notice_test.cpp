#include "resend/notice.hpp"

#include <gtest/gtest.h>

#include <string>

namespace iot::resend {
namespace {

TEST(Notice, RequestRendersSortedKeysAndParsesBack) {
  Notice n{NoticeKind::request, "P-1", 5, 9, 1'767'225'600'123'456'000};
  std::string text = render(n);
  EXPECT_EQ(text, R"({"device_id":"P-1","from_seq":5,"requested_at":"2026-01-01T00:00:00.123456Z","to_seq":9})");
  auto back = parse(text, NoticeKind::request);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, n);
}

TEST(Notice, GoneUsesGoneAt) {
  Notice n{NoticeKind::gone, "P-2", 1, 1, 0};
  std::string text = render(n);
  EXPECT_EQ(text, R"({"device_id":"P-2","from_seq":1,"gone_at":"1970-01-01T00:00:00.000000Z","to_seq":1})");
  auto back = parse(text, NoticeKind::gone);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->kind, NoticeKind::gone);
  EXPECT_EQ(back->to_seq, 1);
}

TEST(Notice, WhatOtherProgramsWriteIsAccepted) {
  // Any member order, extra members, no time, whitespace.
  auto n = parse(R"( { "to_seq": 12, "note": "by hand", "from_seq": 10, "device_id": "dev/ü" } )", NoticeKind::request);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n->device_id, "dev/ü");
  EXPECT_EQ(n->from_seq, 10);
  EXPECT_EQ(n->to_seq, 12);
  EXPECT_EQ(n->at_ns, 0);
  auto offset = parse(R"({"device_id":"d","from_seq":1,"to_seq":1,"requested_at":"2026-01-01T01:00:00+01:00"})",
                      NoticeKind::request);
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(offset->at_ns, 1'767'225'600'000'000'000);
}

TEST(Notice, BadNoticesAreRefusedWithTheMember) {
  struct Row {
    std::string text, reason, message;
  };
  const Row rows[] = {
      {"", "bad_json", "not valid JSON"},
      {"[1,2]", "bad_json", "not a JSON object"},
      {R"({"device_id":"d","from_seq":1})", "schema", "to_seq: missing"},
      {R"({"from_seq":1,"to_seq":2})", "schema", "device_id: missing"},
      {R"({"device_id":7,"from_seq":1,"to_seq":2})", "schema", "device_id: not a string"},
      {R"({"device_id":"","from_seq":1,"to_seq":2})", "schema", "device_id: empty"},
      {R"({"device_id":"d","from_seq":1.5,"to_seq":2})", "schema", "from_seq: not an integer seq (a 64-bit signed whole number)"},
      {R"({"device_id":"d","from_seq":"1","to_seq":2})", "schema", "from_seq: not an integer seq (a 64-bit signed whole number)"},
      {R"({"device_id":"d","from_seq":1,"to_seq":18446744073709551615})", "schema",
       "to_seq: not an integer seq (a 64-bit signed whole number)"},
      {R"({"device_id":"d","from_seq":3,"to_seq":2})", "schema", "from_seq: greater than to_seq"},
      {R"({"device_id":"d","from_seq":1,"to_seq":2,"requested_at":5})", "schema",
       "requested_at: not an RFC 3339 time string"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.text);
    auto n = parse(row.text, NoticeKind::request);
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().reason, row.reason);
    EXPECT_EQ(n.error().message, row.message);
  }
  EXPECT_FALSE(parse(R"({"device_id":"d","from_seq":1,"to_seq":2,"requested_at":"yesterday"})", NoticeKind::request));
  EXPECT_EQ(parse(std::string(max_notice_bytes + 1, ' '), NoticeKind::request).error().reason, "bad_json");
  EXPECT_EQ(parse(R"({"device_id":")" + std::string(1025, 'x') + R"(","from_seq":1,"to_seq":2})", NoticeKind::gone)
                .error()
                .message,
            "device_id: longer than 1024 bytes");
}

TEST(Notice, InvalidUtf8InADeviceIdIsReplacedNotThrown) {
  Notice n{NoticeKind::request, std::string("P\xff"), 1, 2, 0};
  std::string text = render(n);
  EXPECT_TRUE(parse(text, NoticeKind::request).ok()) << text;
}

TEST(Notice, GoneTopicIsBesideTheResendTopic) { EXPECT_EQ(gone_topic("plant/P-1/resend"), "plant/P-1/resend/gone"); }

}  // namespace
}  // namespace iot::resend
