#include "resend/kept_messages.hpp"

#include <gtest/gtest.h>

#include <string>

#include "codec/payload.hpp"

namespace iot::resend {
namespace {

using namespace std::chrono_literals;
constexpr std::int64_t s = 1'000'000'000;

KeptMessage message(const std::string& device, std::int64_t seq) {
  KeptMessage m;
  m.topic = "plant/" + device + "/telemetry";
  m.payload = R"({"device_id":")" + device + R"(","msg_id":"m)" + std::to_string(seq) + R"(","seq":)" +
              std::to_string(seq) + "}";
  return m;
}

Notice ask(const std::string& device, std::int64_t from, std::int64_t to) {
  return Notice{NoticeKind::request, device, from, to, 0};
}

TEST(MessageKey, ReadsDeviceAndSeqInEveryEncoding) {
  std::string json = R"({"device_id":"P-1","seq":42,"d":{}})";
  auto k = message_key(json);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->first, "P-1");
  EXPECT_EQ(k->second, 42);
  for (auto enc : {codec::Encoding::msgpack, codec::Encoding::zlib_json, codec::Encoding::zlib_msgpack}) {
    auto bytes = codec::encode_payload(json, enc);
    ASSERT_TRUE(bytes.ok());
    auto key = message_key(*bytes);
    ASSERT_TRUE(key) << codec::encoding_name(enc);
    EXPECT_EQ(key->second, 42);
  }
}

TEST(MessageKey, NothingWithoutBoth) {
  EXPECT_FALSE(message_key(R"({"device_id":"P-1"})"));
  EXPECT_FALSE(message_key(R"({"seq":1})"));
  EXPECT_FALSE(message_key(R"({"device_id":"","seq":1})"));
  EXPECT_FALSE(message_key(R"({"device_id":"P-1","seq":"1"})"));
  EXPECT_FALSE(message_key("[1]"));
  EXPECT_FALSE(message_key("{broken"));
  EXPECT_FALSE(message_key(std::string("\x00\x01\xfe", 3)));
}

TEST(KeptMessages, HeldSeqsComeBackAndTheRestIsGone) {
  KeptMessages kept(60s, 100);
  for (std::int64_t seq : {1, 2, 3, 5, 6}) ASSERT_EQ(kept.keep(message("P-1", seq), 10 * s), "P-1");
  EXPECT_EQ(kept.size(), 5u);
  auto a = kept.lookup(ask("P-1", 2, 6), 11 * s, 100);
  EXPECT_TRUE(a.known_device);
  ASSERT_EQ(a.held.size(), 4u);
  EXPECT_EQ(a.held[0].seq, 2);
  EXPECT_EQ(a.held[2].seq, 5);
  EXPECT_NE(a.held[2].payload.find(R"("msg_id":"m5")"), std::string::npos);  // the same bytes
  ASSERT_EQ(a.gone.size(), 1u);
  EXPECT_EQ(a.gone[0], (checks::SeqRange{4, 4}));
}

TEST(KeptMessages, SeqsNotYetSentAreNotGone) {
  KeptMessages kept(60s, 100);
  kept.keep(message("P-1", 10), 0);
  auto a = kept.lookup(ask("P-1", 8, 20), 1, 100);
  ASSERT_EQ(a.held.size(), 1u);
  ASSERT_EQ(a.gone.size(), 1u);
  EXPECT_EQ(a.gone[0], (checks::SeqRange{8, 9}));  // 11..20: not sent yet
}

TEST(KeptMessages, UnknownDevicesGetNoAnswer) {
  KeptMessages kept(60s, 100);
  kept.keep(message("P-1", 1), 0);
  auto a = kept.lookup(ask("P-9", 1, 5), 1, 100);
  EXPECT_FALSE(a.known_device);
  EXPECT_TRUE(a.held.empty());
  EXPECT_TRUE(a.gone.empty());
  EXPECT_FALSE(kept.keep(KeptMessage{"t", "not json", "", 1, false, 0, 0}, 0));
}

TEST(KeptMessages, ExpiredMessagesAreGoneButTheDeviceIsKnown) {
  KeptMessages kept(2s, 100);
  kept.keep(message("P-1", 1), 0);
  kept.keep(message("P-1", 2), 1 * s);
  auto a = kept.lookup(ask("P-1", 1, 2), 2 * s + 1, 100);  // seq 1 kept 2 s ago: expired
  ASSERT_EQ(a.held.size(), 1u);
  EXPECT_EQ(a.held[0].seq, 2);
  ASSERT_EQ(a.gone.size(), 1u);
  EXPECT_EQ(a.gone[0], (checks::SeqRange{1, 1}));
  kept.expire(10 * s);
  EXPECT_EQ(kept.size(), 0u);
  EXPECT_EQ(kept.newest_ns(), 0);
  auto b = kept.lookup(ask("P-1", 1, 2), 10 * s, 100);
  EXPECT_TRUE(b.known_device);
  EXPECT_EQ(b.gone.size(), 1u);
}

TEST(KeptMessages, TheCapForgetsTheOldestFirst) {
  KeptMessages kept(60s, 3);
  for (std::int64_t seq = 1; seq <= 5; ++seq) kept.keep(message("P-1", seq), seq);
  EXPECT_EQ(kept.size(), 3u);
  auto a = kept.lookup(ask("P-1", 1, 5), 6, 100);
  ASSERT_EQ(a.held.size(), 3u);
  EXPECT_EQ(a.held[0].seq, 3);
  EXPECT_EQ(a.gone[0], (checks::SeqRange{1, 2}));
}

TEST(KeptMessages, KeepingTheSameSeqAgainReplacesIt) {
  KeptMessages kept(60s, 10);
  kept.keep(message("P-1", 1), 0);
  kept.keep(message("P-1", 1), 5);  // sent again after a reconnect
  EXPECT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept.newest_ns(), 5);
}

TEST(KeptMessages, ALargeRequestIsAnsweredInPartsAndNearTheEndOfTheRange) {
  KeptMessages kept(60s, 100);
  for (std::int64_t seq = 1; seq <= 10; ++seq) kept.keep(message("P-1", seq), 0);
  auto a = kept.lookup(ask("P-1", 1, 10), 1, 4);
  EXPECT_EQ(a.held.size(), 4u);  // the rest is asked for again
  EXPECT_TRUE(a.gone.empty());
  KeptMessages edge(60s, 10);
  edge.keep(message("P-1", INT64_MAX), 0);
  auto b = edge.lookup(ask("P-1", INT64_MAX - 1, INT64_MAX), 1, 10);
  ASSERT_EQ(b.held.size(), 1u);
  ASSERT_EQ(b.gone.size(), 1u);
  EXPECT_EQ(b.gone[0], (checks::SeqRange{INT64_MAX - 1, INT64_MAX - 1}));
}

}  // namespace
}  // namespace iot::resend
