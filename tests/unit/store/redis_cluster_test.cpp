// Redis Cluster routing (common/store/redis_cluster.cpp) against a real
// three-master cluster: slots as the server computes them, each key on the
// master of its slot, MOVED after a slot moved behind the client's back,
// ASK while a slot is being migrated.
#include "store/redis_cluster.hpp"

#include <gtest/gtest.h>

#include "redis_cluster_servers.hpp"
#include "redis_server.hpp"
#include "store/redis_client.hpp"

namespace iot::store {
namespace {

using RedisClusterRouting = testing::RedisClusterTest;

std::unique_ptr<RedisClient> must_connect(const RedisUrl& url) {
  auto c = RedisClient::connect(url);
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  return c ? std::move(*c) : nullptr;
}

TEST_F(RedisClusterRouting, SlotsAgreeWithClusterKeyslot) {
  std::vector<std::string> keys;
  for (int i = 0; i < 500; ++i) {
    keys.push_back("k" + std::to_string(i * 7919));
    keys.push_back("tenant:{t" + std::to_string(i) + "}:agent:devices:ingestion");
    keys.push_back("d" + std::to_string(i) + ":{}" + std::to_string(i));
  }
  std::vector<std::vector<std::string>> asks;
  for (const auto& k : keys) asks.push_back({"CLUSTER", "KEYSLOT", k});
  auto replies = nodes_[0]->pipeline(asks);
  ASSERT_TRUE(replies) << replies.error().message;
  for (std::size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(key_slot(keys[i]), (*replies)[i]->integer) << keys[i];
}

TEST_F(RedisClusterRouting, EachKeyGoesToTheMasterOfItsSlot) {
  auto client = must_connect(url());
  ASSERT_TRUE(client);
  std::vector<std::vector<std::string>> sets;
  for (int i = 0; i < 300; ++i) sets.push_back({"SET", "key" + std::to_string(i), std::to_string(i)});
  auto replies = client->pipeline(sets);
  ASSERT_TRUE(replies) << replies.error().message;
  ASSERT_EQ(replies->size(), sets.size());
  for (const auto& r : *replies) EXPECT_EQ(std::string(r->str, r->len), "OK");
  for (int i = 0; i < 300; ++i) {
    std::string key = "key" + std::to_string(i);
    int node = owner_of(key_slot(key));
    ASSERT_GE(node, 0);
    EXPECT_EQ(text(node, {"GET", key}), std::to_string(i)) << key;  // no MOVED: it is there
  }
  long long total = 0;
  int holding = 0;
  for (int n = 0; n < masters; ++n) {
    long long size = integer(n, {"DBSIZE"});
    total += size;
    holding += size > 0;
  }
  EXPECT_EQ(total, 300);
  EXPECT_EQ(holding, masters);
  EXPECT_EQ(client->cluster()->redirections(), 0u);
  // Replies come back in the order of the commands, whichever node answered.
  auto gets = client->pipeline({{"GET", "key7"}, {"GET", "key150"}, {"EXISTS", "nope"}, {"GET", "key299"}});
  ASSERT_TRUE(gets) << gets.error().message;
  EXPECT_EQ(std::string((*gets)[0]->str), "7");
  EXPECT_EQ(std::string((*gets)[1]->str), "150");
  EXPECT_EQ((*gets)[2]->integer, 0);
  EXPECT_EQ(std::string((*gets)[3]->str), "299");
}

TEST_F(RedisClusterRouting, MovedMovesTheSlot) {
  auto client = must_connect(url());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->command({"SET", "foo", "bar"}));
  const int slot = key_slot("foo");
  const int src = owner_of(slot), dst = (src + 1) % masters;
  ASSERT_EQ(client->cluster()->owner(slot), address(src));
  const std::string src_id = text(src, {"CLUSTER", "MYID"}), dst_id = text(dst, {"CLUSTER", "MYID"});
  on(dst, {"CLUSTER", "SETSLOT", std::to_string(slot), "IMPORTING", src_id});
  on(src, {"CLUSTER", "SETSLOT", std::to_string(slot), "MIGRATING", dst_id});
  on(src, {"MIGRATE", "127.0.0.1", std::to_string(ports_[static_cast<std::size_t>(dst)]), "", "0", "5000", "KEYS",
           "foo"});
  for (int n : {dst, src, 3 - src - dst}) on(n, {"CLUSTER", "SETSLOT", std::to_string(slot), "NODE", dst_id});

  auto got = client->command({"GET", "foo"});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(std::string((*got)->str), "bar");
  EXPECT_GE(client->cluster()->redirections(), 1u);
  EXPECT_EQ(client->cluster()->owner(slot), address(dst));
  const auto before = client->cluster()->redirections();
  ASSERT_TRUE(client->command({"SET", "foo", "baz"}));
  EXPECT_EQ(client->cluster()->redirections(), before);  // the map learned it
  EXPECT_EQ(text(dst, {"GET", "foo"}), "baz");
}

TEST_F(RedisClusterRouting, AskIsFollowedWhileASlotMigrates) {
  auto client = must_connect(url());
  ASSERT_TRUE(client);
  // Two keys of one slot (a hash tag); only the first moves yet.
  ASSERT_TRUE(client->pipeline({{"SET", "{tag}moved", "1"}, {"SET", "{tag}stays", "2"}}));
  const int slot = key_slot("tag");
  const int src = owner_of(slot), dst = (src + 1) % masters;
  const std::string src_id = text(src, {"CLUSTER", "MYID"}), dst_id = text(dst, {"CLUSTER", "MYID"});
  on(dst, {"CLUSTER", "SETSLOT", std::to_string(slot), "IMPORTING", src_id});
  on(src, {"CLUSTER", "SETSLOT", std::to_string(slot), "MIGRATING", dst_id});
  on(src, {"MIGRATE", "127.0.0.1", std::to_string(ports_[static_cast<std::size_t>(dst)]), "", "0", "5000", "KEYS",
           "{tag}moved"});

  auto got = client->pipeline({{"GET", "{tag}moved"}, {"GET", "{tag}stays"}});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(std::string((*got)[0]->str), "1");
  EXPECT_EQ(std::string((*got)[1]->str), "2");
  EXPECT_EQ(client->cluster()->redirections(), 1u);              // the one ASK
  EXPECT_EQ(client->cluster()->owner(slot), address(src));       // ASK does not move the slot
}

TEST(RedisCluster, NoSeedAnsweringIsUnavailable) {
  auto c = RedisCluster::connect({{"127.0.0.1", testing::free_loopback_port()}}, "", {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::unavailable);
  EXPECT_EQ(c.error().reason, "redis_unavailable");
}

TEST(RedisCluster, ParseEndpoint) {
  EXPECT_EQ(parse_endpoint("10.0.0.1:7001").host, "10.0.0.1");
  EXPECT_EQ(parse_endpoint("10.0.0.1:7001").port, 7001);
  EXPECT_EQ(parse_endpoint("::1:7002").host, "::1");
  EXPECT_EQ(parse_endpoint("::1:7002").port, 7002);
  EXPECT_EQ(parse_endpoint("cache").port, 6379);
}

using RedisClusterOnAPlainServer = testing::RedisServerTest;

TEST_F(RedisClusterOnAPlainServer, IsUnavailableAndSaysWhy) {
  auto c = RedisCluster::connect({{"127.0.0.1", url_.port}}, "", {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::unavailable);
  EXPECT_NE(c.error().message.find("CLUSTER SLOTS"), std::string::npos) << c.error().message;
}

}  // namespace
}  // namespace iot::store
