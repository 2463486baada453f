// Shared msg_id dedup (common/store/redis_dedup.cpp) against a real
// redis-server: keys are looked up before a batch and recorded after it,
// with SET NX EX, so a record never overwrites and always expires.
#include "store/redis_dedup.hpp"

#include <gtest/gtest.h>

#include "redis_server.hpp"

namespace iot::store {
namespace {

using RedisDedupTest = testing::RedisServerTest;

TEST_F(RedisDedupTest, SeenOnlyAfterRecorded) {
  RedisDedup dedup(connect(), 3600);
  const std::vector<std::string> keys{"P-1:01HX0", "P-1:01HX1", "P-2:01HX0"};
  auto before = dedup.seen(keys);
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_EQ(*before, (std::vector<bool>{false, false, false}));

  ASSERT_TRUE(dedup.record({keys[0], keys[2]}));
  auto after = dedup.seen(keys);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(*after, (std::vector<bool>{true, false, true}));
}

TEST_F(RedisDedupTest, RecordsExpireAndNeverOverwrite) {
  RedisDedup dedup(connect(), 120);
  ASSERT_TRUE(client_->command({"SET", "kept", "other-writer"}));
  ASSERT_TRUE(dedup.record({"kept", "fresh"}));
  auto kept = client_->command({"GET", "kept"});
  ASSERT_TRUE(kept);
  EXPECT_EQ(std::string((*kept)->str), "other-writer");  // NX
  auto ttl = client_->command({"TTL", "fresh"});
  ASSERT_TRUE(ttl);
  EXPECT_GT((*ttl)->integer, 0);  // EX: it expires...
  EXPECT_LE((*ttl)->integer, 120);  // ...within the ttl given
}

TEST_F(RedisDedupTest, NoKeysNoRoundTrip) {
  RedisDedup dedup(connect(), 60);
  auto none = dedup.seen({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(dedup.record({}));
  auto size = client_->command({"DBSIZE"});
  ASSERT_TRUE(size);
  EXPECT_EQ((*size)->integer, 0);
}

}  // namespace
}  // namespace iot::store
