// One Redis connection (common/store/redis_node.cpp) against a real
// redis-server: error replies are replies, a lost connection is
// unavailable and the next call connects again.
#include "store/redis_node.hpp"

#include <gtest/gtest.h>

#include "redis_server.hpp"

namespace iot::store {
namespace {

using RedisNodeServer = testing::RedisServerTest;

TEST_F(RedisNodeServer, ErrorRepliesAreRepliesInOrder) {
  RedisNode node("127.0.0.1", url_.port, "");
  auto replies = node.pipeline({{"SET", "a", "1"}, {"NOSUCHCOMMAND"}, {"GET", "a"}});
  ASSERT_TRUE(replies) << replies.error().message;
  ASSERT_EQ(replies->size(), 3u);
  EXPECT_EQ(error_text((*replies)[0].get()), "");
  EXPECT_NE(error_text((*replies)[1].get()).find("NOSUCHCOMMAND"), std::string::npos);
  EXPECT_EQ(std::string((*replies)[2]->str), "1");
  EXPECT_EQ(node.address(), "127.0.0.1:" + std::to_string(url_.port));
}

TEST_F(RedisNodeServer, AWrongPasswordIsARedisError) {
  RedisNode node("127.0.0.1", url_.port, "s3cret");  // the server has none
  auto st = node.open();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().reason, "redis_error");
}

TEST_F(RedisNodeServer, ALostConnectionIsUnavailableThenReconnects) {
  RedisNode node("127.0.0.1", url_.port, "");
  auto id = node.pipeline({{"CLIENT", "ID"}});
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE(client_->command({"CLIENT", "KILL", "ID", std::to_string(id->front()->integer)}));
  auto lost = node.pipeline({{"PING"}});
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().kind, ErrorKind::unavailable);
  auto again = node.pipeline({{"PING"}});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(std::string(again->front()->str), "PONG");
}

TEST(RedisNode, NothingListeningIsUnavailable) {
  RedisNode node("127.0.0.1", testing::free_loopback_port(), "");
  auto r = node.pipeline({{"PING"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "redis_unavailable");
}

}  // namespace
}  // namespace iot::store
