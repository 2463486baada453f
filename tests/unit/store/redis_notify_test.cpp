// --notify's commands (common/store/redis_notify.cpp): the argv of each
// notice, then a real redis-server: a SUBSCRIBEd client receives the
// the publish is accepted, XRANGE shows the XADD with its fields (the
// SUBSCRIBEd client's side is tests/integration/ingest_kinds.sh, redis-cli).
#include "store/redis_notify.hpp"

#include <gtest/gtest.h>

#include "redis_server.hpp"

namespace iot::store {
namespace {

TEST(RedisNotice, Commands) {
  RedisNotice pub{true, "tenant:{acme}:device:a1:state", "{\"x\":1}", "a1", "m1", std::nullopt};
  EXPECT_EQ(notice_command(pub), (std::vector<std::string>{"PUBLISH", "tenant:{acme}:device:a1:state", "{\"x\":1}"}));
  RedisNotice add{false, "logs", "{\"message\":\"up\"}", "a1", "m2", 1000};
  EXPECT_EQ(notice_command(add), (std::vector<std::string>{"XADD", "logs", "MAXLEN", "~", "1000", "*", "device_id", "a1",
                                                           "msg_id", "m2", "data", "{\"message\":\"up\"}"}));
  add.max_len.reset();
  EXPECT_EQ(notice_command(add)[2], "*");
}

using RedisNotifyTest = testing::RedisServerTest;

TEST_F(RedisNotifyTest, PublishesAndAddsToStreams) {
  RedisNotifier notifier(connect());
  std::vector<RedisNotice> notices;
  notices.push_back({true, "ch", "{\"n\":1}", "a1", "m1", std::nullopt});
  for (int i = 0; i < 3; ++i) notices.push_back({false, "logs", "{\"i\":" + std::to_string(i) + "}", "a1", "l" + std::to_string(i), 1000});
  ASSERT_TRUE(notifier.send(notices));
  auto len = client_->command({"XLEN", "logs"});
  ASSERT_TRUE(len);
  EXPECT_EQ((*len)->integer, 3);
  auto range = client_->command({"XRANGE", "logs", "-", "+"});
  ASSERT_TRUE(range);
  ASSERT_EQ((*range)->elements, 3u);
  const redisReply* fields = (*range)->element[2]->element[1];
  ASSERT_EQ(fields->elements, 6u);
  EXPECT_EQ(std::string(fields->element[3]->str), "l2");
  EXPECT_EQ(std::string(fields->element[5]->str), "{\"i\":2}");
}

TEST_F(RedisNotifyTest, ALostConnectionIsOpenedAgainOnce) {
  auto own = connect();
  ASSERT_TRUE(own);
  auto id = own->command({"CLIENT", "ID"});
  ASSERT_TRUE(id) << id.error().message;
  RedisNotifier notifier(std::move(own));
  ASSERT_TRUE(client_->command({"CLIENT", "KILL", "ID", std::to_string((*id)->integer)}));
  auto st = notifier.send({{false, "logs", "{}", "a1", "m1", std::nullopt}});
  ASSERT_TRUE(st) << st.error().message;
  auto len = client_->command({"XLEN", "logs"});
  ASSERT_TRUE(len);
  EXPECT_EQ((*len)->integer, 1);
}

TEST_F(RedisNotifyTest, ARefusedCommandIsAnError) {
  ASSERT_TRUE(client_->command({"SET", "logs", "not a stream"}));
  RedisNotifier notifier(connect());
  auto st = notifier.send({{false, "logs", "{}", "a1", "m1", std::nullopt}});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().reason, "redis_error");
  EXPECT_TRUE(notifier.send({}));
}

}  // namespace
}  // namespace iot::store
