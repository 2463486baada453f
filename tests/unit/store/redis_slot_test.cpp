// Redis Cluster key slots (common/store/redis_slot.cpp): CRC16 and hash tags
// against answers a real redis-server gave to CLUSTER KEYSLOT (and, live
// over many keys, redis_cluster_test.cpp); the key each command routes by.
#include "store/redis_slot.hpp"

#include <gtest/gtest.h>

namespace iot::store {
namespace {

TEST(Crc16Xmodem, TheCheckValue) {
  EXPECT_EQ(crc16_xmodem("123456789"), 0x31C3);
  EXPECT_EQ(crc16_xmodem(""), 0);
}

TEST(KeySlot, AnswersOfClusterKeyslot) {
  struct Row {
    const char* key;
    int slot;
  } rows[] = {
      {"foo", 12182},
      {"bar", 5061},
      {"hello", 866},
      {"123456789", 12739},
      {"{user1000}.following", 3443},
      {"user1000", 3443},
      {"foo{}{bar}", 8363},     // an empty tag: the whole key
      {"foo{{bar}}zap", 4015},  // the tag is "{bar"
      {"{bar", 4015},
      {"foo{bar}{zap}", 5061},  // only the first tag counts
      {"zap", 6469},
      {"tenant:{t1}:agent:devices:ingestion", 8943},
      {"t1", 8943},
      {"", 0},
      {"A:A1", 707},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.key);
    EXPECT_EQ(key_slot(row.key), row.slot);
  }
}

TEST(KeySlot, ATenantsKeysShareASlot) {
  const int slot = key_slot("tenant:{acme}:agent:devices:ingestion");
  for (const char* key : {"tenant:{acme}:agent:devices:dlq", "tenant:{acme}:agent:devices:ingestion:dlq",
                          "tenant:{acme}:agent:logs", "tenant:{acme}:device:42:state", "acme"})
    EXPECT_EQ(key_slot(key), slot) << key;
  EXPECT_EQ(hashed_part("tenant:{acme}:agent:logs"), "acme");
  EXPECT_EQ(hashed_part("no-tag"), "no-tag");
  EXPECT_EQ(hashed_part("open{only"), "open{only");
}

TEST(CommandKey, TheKeyEachCommandRoutesBy) {
  using Argv = std::vector<std::string>;
  struct Row {
    Argv argv;
    std::optional<std::string> key;
  } rows[] = {
      {{"SET", "k", "1", "NX", "EX", "60"}, "k"},
      {{"EXISTS", "k"}, "k"},
      {{"XADD", "s", "MAXLEN", "~", "10", "*", "data", "x"}, "s"},
      {{"XACK", "s", "g", "1-0"}, "s"},
      {{"XPENDING", "s", "g"}, "s"},
      {{"XAUTOCLAIM", "s", "g", "c", "1000", "0-0"}, "s"},
      {{"XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"}, "s"},
      {{"XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "BLOCK", "200", "STREAMS", "s", ">"}, "s"},
      {{"xreadgroup", "group", "g", "c", "streams", "s", "0"}, "s"},
      {{"XREADGROUP", "GROUP", "g", "c"}, std::nullopt},
      {{"PING"}, std::nullopt},
      {{"AUTH", "secret"}, std::nullopt},
      {{"CLUSTER", "SLOTS"}, std::nullopt},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.argv[0] + " " + (row.argv.size() > 1 ? row.argv[1] : ""));
    auto key = command_key(row.argv);
    ASSERT_EQ(key.has_value(), row.key.has_value());
    if (key) {
      EXPECT_EQ(*key, *row.key);
    }
  }
}

}  // namespace
}  // namespace iot::store
