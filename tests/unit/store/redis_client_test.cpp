// The hiredis wrapper (common/store/redis_client.cpp): URLs, table-driven
// and pure; commands and pipelines against a real redis-server.
#include "store/redis_client.hpp"

#include <gtest/gtest.h>

#include "redis_server.hpp"

namespace iot::store {
namespace {

TEST(ParseRedisUrl, Accepted) {
  struct Row {
    const char* url;
    RedisUrl want;
  } rows[] = {
      {"redis://", {"127.0.0.1", 6379, "", ""}},
      {"redis://cache", {"cache", 6379, "", ""}},
      {"redis://cache:7000", {"cache", 7000, "", ""}},
      {"redis://:s3cret@cache:7000", {"cache", 7000, "s3cret", ""}},
      {"redis://user:s3cret@cache", {"cache", 6379, "s3cret", ""}},
      {"redis://cache:7000/readings", {"cache", 7000, "", "readings"}},
      // The path is the stream name, ':' and '/' included.
      {"redis://cache/tenant:{tenant}:agent:devices:ingestion", {"cache", 6379, "", "tenant:{tenant}:agent:devices:ingestion"}},
      {"redis://cache/a/b", {"cache", 6379, "", "a/b"}},
      {"redis://:7001", {"127.0.0.1", 7001, "", ""}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.url);
    auto u = parse_redis_url(row.url);
    ASSERT_TRUE(u) << u.error().message;
    EXPECT_EQ(u->host, row.want.host);
    EXPECT_EQ(u->port, row.want.port);
    EXPECT_EQ(u->password, row.want.password);
    EXPECT_EQ(u->path, row.want.path);
  }
}

TEST(ParseRedisUrl, AClusterListsItsSeeds) {
  auto u = parse_redis_url("redis+cluster://:pw@r1:7000,r2,:7002/tenant:{t1}:agent:devices:ingestion");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_TRUE(u->cluster);
  ASSERT_EQ(u->nodes.size(), 3u);
  EXPECT_EQ(u->nodes[0].host, "r1");
  EXPECT_EQ(u->nodes[0].port, 7000);
  EXPECT_EQ(u->nodes[1].host, "r2");
  EXPECT_EQ(u->nodes[1].port, 6379);
  EXPECT_EQ(u->nodes[2].host, "127.0.0.1");
  EXPECT_EQ(u->nodes[2].port, 7002);
  EXPECT_EQ(u->host, "r1");
  EXPECT_EQ(u->password, "pw");
  EXPECT_EQ(u->path, "tenant:{t1}:agent:devices:ingestion");
  auto single = parse_redis_url("redis://cache:7000");
  ASSERT_TRUE(single);
  EXPECT_FALSE(single->cluster);
  EXPECT_TRUE(is_redis_url("redis+cluster://a:1"));
  EXPECT_TRUE(is_redis_url("redis://a"));
  EXPECT_FALSE(is_redis_url("memory"));
}

TEST(ParseRedisUrl, Refused) {
  for (const char* url : {"http://cache", "cache:6379", "", "redis:/cache", "redis://cache:0", "redis://cache:65536",
                          "redis://cache:12x", "redis://cache:", "redis://cache:-1", "redis://a:1,b:2",
                          "redis+cluster://a:1,b:x", "rediss+cluster://a:1"}) {
    SCOPED_TRACE(url);
    auto u = parse_redis_url(url);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error().kind, ErrorKind::usage);
    EXPECT_EQ(u.error().reason, "bad_url");
  }
}

TEST(RedisClient, NothingListeningIsUnavailable) {
  RedisUrl url;
  url.port = testing::free_loopback_port();
  auto c = RedisClient::connect(url);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::unavailable);
  EXPECT_EQ(c.error().reason, "redis_unavailable");
}

using RedisClientServer = testing::RedisServerTest;

TEST_F(RedisClientServer, ValuesAreBinarySafe) {
  const std::string value("a %s\0b\r\n%d", 10);
  auto set = client_->command({"SET", "k %s", value});
  ASSERT_TRUE(set) << set.error().message;
  auto get = client_->command({"GET", "k %s"});
  ASSERT_TRUE(get) << get.error().message;
  ASSERT_EQ((*get)->type, REDIS_REPLY_STRING);
  EXPECT_EQ(std::string((*get)->str, (*get)->len), value);
}

TEST_F(RedisClientServer, PipelineRepliesComeInOrder) {
  auto replies = client_->pipeline({{"RPUSH", "l", "a"}, {"RPUSH", "l", "b"}, {"LRANGE", "l", "0", "-1"}, {"PING"}});
  ASSERT_TRUE(replies) << replies.error().message;
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_EQ((*replies)[0]->integer, 1);
  EXPECT_EQ((*replies)[1]->integer, 2);
  ASSERT_EQ((*replies)[2]->elements, 2u);
  EXPECT_EQ(std::string((*replies)[2]->element[1]->str), "b");
  EXPECT_EQ(std::string((*replies)[3]->str), "PONG");
}

TEST_F(RedisClientServer, AnErrorReplyIsAnErrorAloneAndAReplyInAPipeline) {
  auto alone = client_->command({"NOSUCHCOMMAND"});
  ASSERT_FALSE(alone);
  EXPECT_EQ(alone.error().reason, "redis_error");
  EXPECT_NE(alone.error().message.find("NOSUCHCOMMAND"), std::string::npos) << alone.error().message;
  // In a pipeline the other replies still count: the caller looks at each.
  auto mixed = client_->pipeline({{"SET", "x", "1"}, {"INCR", "x", "extra"}, {"GET", "x"}});
  ASSERT_TRUE(mixed) << mixed.error().message;
  EXPECT_EQ((*mixed)[1]->type, REDIS_REPLY_ERROR);
  EXPECT_EQ(std::string((*mixed)[2]->str), "1");
  // run(): replies not wanted, the first error reply is the error, named.
  auto run = client_->run({{"SET", "y", "1"}, {"INCR", "y", "extra"}}, "two");
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().reason, "redis_error");
  EXPECT_EQ(run.error().message.rfind("two: ", 0), 0u) << run.error().message;
  EXPECT_TRUE(client_->run({{"SET", "z", "1"}}, "one"));
  EXPECT_TRUE(client_->run({}, "none"));
}

TEST_F(RedisClientServer, APasswordIsSentWithAuth) {
  // This server has no password, so AUTH itself is refused: proof it was sent.
  RedisUrl with_password = url_;
  with_password.password = "s3cret";
  auto c = RedisClient::connect(with_password);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().reason, "redis_error");
  EXPECT_NE(c.error().message.find("AUTH"), std::string::npos) << c.error().message;
}

TEST_F(RedisClientServer, ALostConnectionIsUnavailableAndTheNextCallReconnects) {
  auto other = connect();
  ASSERT_TRUE(other);
  auto id = other->command({"CLIENT", "ID"});
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE(client_->command({"CLIENT", "KILL", "ID", std::to_string((*id)->integer)}));
  auto lost = other->command({"PING"});
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().kind, ErrorKind::unavailable);
  EXPECT_EQ(lost.error().reason, "redis_unavailable");
  auto again = other->command({"PING"});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(std::string((*again)->str), "PONG");
}

}  // namespace
}  // namespace iot::store
