#include "waveform/protocol.hpp"

#include <gtest/gtest.h>

namespace iot::waveform {
namespace {

TEST(Protocol, TopicsRoundTrip) {
  const std::string chunk = chunk_topic("plant/P-7", "abc-1", 12);  // parts are views into it
  auto c = parse_topic(chunk);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, TopicParts::chunk);
  EXPECT_EQ(c->base, "plant/P-7");
  EXPECT_EQ(c->upload_id, "abc-1");
  EXPECT_EQ(c->index, 12u);
  const std::string complete = complete_topic("P-7", "abc-1");
  auto d = parse_topic(complete);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, TopicParts::complete);
  EXPECT_EQ(d->base, "P-7");
}

TEST(Protocol, OtherTopicsAreNotOurs) {
  EXPECT_FALSE(parse_topic("plant/P-7/telemetry"));
  EXPECT_FALSE(parse_topic("P-7/waveform/x/chunk/"));
  EXPECT_FALSE(parse_topic("P-7/waveform/x/chunk/1a"));
  EXPECT_FALSE(parse_topic("P-7/wave/x/complete"));
  EXPECT_FALSE(parse_topic("P-7/waveform/../complete"));
  EXPECT_FALSE(parse_topic("P-7/mywaveform/x/complete"));
  EXPECT_FALSE(parse_topic("/complete"));
}

TEST(Protocol, CompleteHasTheSeedFieldsInOrder) {
  CompleteMessage m{"u1", 3, 40000, 10000, 10000, "float32_le", std::string(64, 'a'), {}};
  EXPECT_EQ(render_complete(m),
            "{\"upload_id\":\"u1\",\"total_chunks\":3,\"total_bytes\":40000,\"sample_rate_hz\":10000,"
            "\"sample_count\":10000,\"format\":\"float32_le\",\"checksum_sha256\":\"" + std::string(64, 'a') + "\"}");
  auto back = parse_complete_text(render_complete(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->total_bytes, 40000u);
  EXPECT_FALSE(back->url);
}

TEST(Protocol, CompleteFromPythonWithSpacesAndUrl) {
  std::string py = R"({"upload_id": "u2", "total_chunks": 1, "total_bytes": 5, "sample_rate_hz": 2560.5,)"
                   R"( "sample_count": 10.0, "format": "int16_le", "checksum_sha256": ")" + std::string(64, 'B') +
                   R"(", "url": "http://x/y"})";
  auto m = parse_complete_text(py);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_DOUBLE_EQ(m->sample_rate_hz, 2560.5);
  EXPECT_EQ(m->sample_count, 10u);
  EXPECT_EQ(m->checksum_sha256, std::string(64, 'b'));
  EXPECT_EQ(*m->url, "http://x/y");
}

TEST(Protocol, BadCompleteMessagesAreSchemaErrors) {
  for (std::string bad : {"[]", "{}", R"({"upload_id":"../x","total_chunks":1,"total_bytes":1,"sample_rate_hz":1,"sample_count":1,"format":"f","checksum_sha256":"00"})",
                          R"({"upload_id":"x","total_chunks":-1,"total_bytes":1,"sample_rate_hz":1,"sample_count":1,"format":"f","checksum_sha256":"00"})",
                          "not json"}) {
    auto m = parse_complete_text(bad);
    ASSERT_FALSE(m) << bad;
    EXPECT_EQ(m.error().reason, "schema");
  }
}

}  // namespace
}  // namespace iot::waveform
