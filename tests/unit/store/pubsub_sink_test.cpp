#include "store/pubsub_sink.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "scripted_http_server.hpp"

namespace iot::store {
namespace {

using testing::http_reply;
using testing::ScriptedHttpServer;

// The sink talks to the scripted server as to an emulator; one connection,
// so the requests come in the order the sink sends them.
std::unique_ptr<PubsubSink> open_against(const ScriptedHttpServer& server, int attempts = 3) {
  setenv("PUBSUB_EMULATOR_HOST", ("127.0.0.1:" + std::to_string(server.port())).c_str(), 1);
  PubsubSink::Tuning tuning;
  tuning.connections = 1;
  tuning.attempts = attempts;
  tuning.first_backoff = std::chrono::milliseconds(1);
  auto sink = PubsubSink::open("pubsub://proj/topic-a", SinkOptions{}, tuning);
  unsetenv("PUBSUB_EMULATOR_HOST");
  EXPECT_TRUE(sink) << sink.error().message;
  return sink ? std::move(*sink) : nullptr;
}

Batch batch_of(const std::vector<std::string>& keys) {
  Batch b;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    ReadingRow r;
    r.device_id = "dev-" + std::to_string(i);
    r.metric = "m";
    r.value = 1;
    r.ordering_key = keys[i];
    b.readings.push_back(r);
  }
  return b;
}

const std::string topic_ok = http_reply(200, R"({"name":"projects/proj/topics/topic-a"})");

TEST(PubsubSink, RetriesA503ThenCountsWhatTheAnswerConfirms) {
  ScriptedHttpServer server({topic_ok, http_reply(503, R"({"error":{"code":503,"status":"UNAVAILABLE"}})"),
                             http_reply(200, R"({"messageIds":["1","2"]})")});
  auto sink = open_against(server);
  ASSERT_TRUE(sink->ensure_schema());
  auto stats = sink->write(batch_of({"", ""}));
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->inserted, 2u);
  auto req = server.requests();
  ASSERT_EQ(req.size(), 3u);
  EXPECT_EQ(req[0].rfind("GET /v1/projects/proj/topics/topic-a ", 0), 0u) << req[0];
  EXPECT_EQ(req[1].rfind("POST /v1/projects/proj/topics/topic-a:publish ", 0), 0u) << req[1];
  EXPECT_EQ(req[1].substr(req[1].find("\r\n\r\n")), req[2].substr(req[2].find("\r\n\r\n")));  // the same request again
}

TEST(PubsubSink, A400IsRejectedWithGooglesReason) {
  ScriptedHttpServer server(
      {topic_ok, http_reply(400, R"({"error":{"code":400,"message":"Invalid data","status":"INVALID_ARGUMENT"}})")});
  auto sink = open_against(server);
  auto stats = sink->write(batch_of({"A"}));
  ASSERT_FALSE(stats);
  EXPECT_EQ(stats.error().reason, "db_rejected");
  EXPECT_NE(stats.error().message.find("INVALID_ARGUMENT: Invalid data"), std::string::npos) << stats.error().message;
}

TEST(PubsubSink, AMissingTopicIsAUsageErrorNamingCreate) {
  ScriptedHttpServer server({http_reply(404, R"({"error":{"code":404,"message":"Topic not found"}})")});
  auto sink = open_against(server);
  auto st = sink->ensure_schema();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::usage);
  EXPECT_NE(st.error().message.find("--create"), std::string::npos);
}

TEST(PubsubSink, APublisherThatMayNotReadTheTopicStillPublishes) {
  ScriptedHttpServer server({http_reply(403, R"({"error":{"code":403,"status":"PERMISSION_DENIED"}})"),
                             http_reply(200, R"({"messageIds":["1"]})")});
  auto sink = open_against(server);
  ASSERT_TRUE(sink->ensure_schema());
  EXPECT_NE(sink->setup_note().find("403"), std::string::npos);
  auto stats = sink->write(batch_of({"A"}));
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->inserted, 1u);
}

TEST(PubsubSink, APublishRefusedForLackOfRightsStopsTheRun) {
  ScriptedHttpServer server({topic_ok, http_reply(403, R"({"error":{"code":403,"status":"PERMISSION_DENIED"}})")});
  auto sink = open_against(server);
  auto stats = sink->write(batch_of({"A"}));
  ASSERT_FALSE(stats);
  EXPECT_EQ(stats.error().kind, ErrorKind::usage);
  EXPECT_EQ(stats.error().reason, "db_auth");
}

TEST(PubsubSink, CreateMakesTheTopicAndTakesAnExistingOne) {
  ScriptedHttpServer server({http_reply(409, R"({"error":{"code":409,"status":"ALREADY_EXISTS"}})")});
  setenv("PUBSUB_EMULATOR_HOST", ("127.0.0.1:" + std::to_string(server.port())).c_str(), 1);
  SinkOptions options;
  options.create = true;
  auto sink = PubsubSink::open("pubsub://proj/topic-a", options);
  unsetenv("PUBSUB_EMULATOR_HOST");
  ASSERT_TRUE(sink) << sink.error().message;
  ASSERT_TRUE((*sink)->ensure_schema());
  EXPECT_EQ(server.requests().at(0).rfind("PUT /v1/projects/proj/topics/topic-a ", 0), 0u);
}

TEST(PubsubSink, AFailedKeyIsHeldBackAndWhatWentOutIsNotSentAgain) {
  // Lane A is published, lane B fails for good: the batch is unavailable.
  // Sent again (as from the spool), only B's message goes out.
  const std::string busy = http_reply(503, R"({"error":{"code":503,"status":"UNAVAILABLE"}})");
  ScriptedHttpServer server({topic_ok, http_reply(200, R"({"messageIds":["1","2"]})"), busy, busy,
                             http_reply(200, R"({"messageIds":["3"]})")});
  auto sink = open_against(server, 2);
  Batch batch = batch_of({"A", "B", "A"});
  auto first = sink->write(batch);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().kind, ErrorKind::unavailable);
  auto second = sink->write(batch);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->inserted, 3u);
  auto req = server.requests();
  ASSERT_EQ(req.size(), 5u);
  EXPECT_NE(req[1].find("\"orderingKey\":\"A\""), std::string::npos);
  EXPECT_EQ(req[4].find("\"orderingKey\":\"A\""), std::string::npos) << "A went out already";
  EXPECT_NE(req[4].find("\"orderingKey\":\"B\""), std::string::npos);
}

TEST(PubsubSink, AKeysLaterRequestsWaitForItsFailedOne) {
  // One message a request: key K's second request must not leave while its
  // first one fails (Pub/Sub's ordering rule).
  const std::string busy = http_reply(503, R"({"error":{"code":503,"status":"UNAVAILABLE"}})");
  ScriptedHttpServer server({topic_ok, busy, busy});
  setenv("PUBSUB_EMULATOR_HOST", ("127.0.0.1:" + std::to_string(server.port())).c_str(), 1);
  PubsubSink::Tuning tuning;
  tuning.attempts = 2;
  tuning.first_backoff = std::chrono::milliseconds(1);
  tuning.limits.messages = 1;
  auto sink = PubsubSink::open("pubsub://proj/topic-a", SinkOptions{}, tuning);
  unsetenv("PUBSUB_EMULATOR_HOST");
  ASSERT_TRUE(sink);
  auto stats = (*sink)->write(batch_of({"K", "K"}));
  ASSERT_FALSE(stats);
  EXPECT_EQ(stats.error().kind, ErrorKind::unavailable);
  auto req = server.requests();
  ASSERT_EQ(req.size(), 3u);  // the topic, then the first request twice; never the second
  EXPECT_NE(req[1].find("\"orderingKey\":\"K\""), std::string::npos);
  EXPECT_EQ(req[1].substr(req[1].find("\r\n\r\n")), req[2].substr(req[2].find("\r\n\r\n")));
}

TEST(PubsubSink, NoServerIsUnavailable) {
  int port;
  {
    ScriptedHttpServer gone({http_reply(204, "")});
    port = gone.port();
    HttpClient wake(HttpTimeouts{});
    (void)wake.post("http://127.0.0.1:" + std::to_string(port) + "/", "", {});
  }
  setenv("PUBSUB_EMULATOR_HOST", ("127.0.0.1:" + std::to_string(port)).c_str(), 1);
  auto sink = PubsubSink::open("pubsub://proj/topic-a", SinkOptions{});
  unsetenv("PUBSUB_EMULATOR_HOST");
  ASSERT_TRUE(sink);
  auto st = (*sink)->ensure_schema();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::unavailable);
}

}  // namespace
}  // namespace iot::store
