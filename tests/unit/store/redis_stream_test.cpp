// Redis Streams (common/store/redis_stream.cpp) against a real redis-server:
// the writer's XADD, and the reader's contract: new entries in order, its
// own unacknowledged entries again after a restart, entries of a dead
// consumer claimed, poison entries dead-lettered.
#include "store/redis_stream.hpp"

#include <gtest/gtest.h>

#include "redis_server.hpp"

namespace iot::store {
namespace {

class RedisStreamTest : public testing::RedisServerTest {
 protected:
  StreamReaderOptions options(const std::string& consumer) {
    StreamReaderOptions o;
    o.stream = "lines";
    o.group = "iot-ingest";
    o.consumer = consumer;
    o.block_ms = 0;  // never wait: an empty read is an answer
    return o;
  }
  std::unique_ptr<RedisStreamReader> reader(StreamReaderOptions o) {
    auto r = RedisStreamReader::open(connect(), std::move(o));
    EXPECT_TRUE(r) << r.error().message;
    return r ? std::move(*r) : nullptr;
  }
  void add(const std::vector<std::string>& lines) {
    RedisStreamWriter writer(connect(), 1000);
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& l : lines) entries.emplace_back("lines", l);
    ASSERT_TRUE(writer.add(entries));
  }
  static std::vector<std::string> data(const std::vector<StreamEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.data);
    return out;
  }
};

TEST_F(RedisStreamTest, WriterAddsOneEntryPerLineWithFieldData) {
  RedisStreamWriter writer(connect(), 1000);
  ASSERT_TRUE(writer.add({{"a", R"({"topic":"t","payload":1})"}, {"b", "two"}, {"a", "three"}}));
  auto a = client_->command({"XRANGE", "a", "-", "+"});
  ASSERT_TRUE(a);
  ASSERT_EQ((*a)->elements, 2u);
  const redisReply* first = (*a)->element[0]->element[1];
  ASSERT_EQ(first->elements, 2u);
  EXPECT_EQ(std::string(first->element[0]->str), "data");
  EXPECT_EQ(std::string(first->element[1]->str), R"({"topic":"t","payload":1})");
  auto b = client_->command({"XLEN", "b"});
  ASSERT_TRUE(b);
  EXPECT_EQ((*b)->integer, 1);
  EXPECT_TRUE(writer.add({}));
}

TEST_F(RedisStreamTest, WriterReportsAnErrorReply) {
  ASSERT_TRUE(client_->command({"SET", "not-a-stream", "x"}));
  RedisStreamWriter writer(connect(), 1000);
  auto st = writer.add({{"not-a-stream", "line"}});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().reason, "redis_error");
}

TEST_F(RedisStreamTest, OpenCreatesTheGroupOnceAndReadsInOrder) {
  auto first = reader(options("w1"));
  ASSERT_TRUE(first);
  auto again = reader(options("w1"));  // the group exists already: fine
  ASSERT_TRUE(again);
  add({"l1", "l2", "l3"});
  auto got = first->read();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(data(*got), (std::vector<std::string>{"l1", "l2", "l3"}));
  for (const auto& e : *got) EXPECT_FALSE(e.claimed);
  EXPECT_EQ(first->pending_count().value(), 3);
  std::vector<std::string> ids;
  for (const auto& e : *got) ids.push_back(e.id);
  ASSERT_TRUE(first->ack(ids));
  EXPECT_EQ(first->pending_count().value(), 0);
  auto empty = first->read();
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST_F(RedisStreamTest, AfterARestartTheConsumersOwnPendingEntriesComeFirst) {
  add({"l1", "l2"});
  {
    auto before = reader(options("w1"));
    auto got = before->read();
    ASSERT_TRUE(got);
    ASSERT_EQ(got->size(), 2u);  // read, never acknowledged: the process "died"
  }
  add({"l3"});
  auto after = reader(options("w1"));
  auto own = after->read();
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_EQ(data(*own), (std::vector<std::string>{"l1", "l2"}));
  auto fresh = after->read();
  ASSERT_TRUE(fresh) << fresh.error().message;
  EXPECT_EQ(data(*fresh), std::vector<std::string>{"l3"});
}

TEST_F(RedisStreamTest, EntriesOfADeadConsumerAreClaimed) {
  add({"l1"});
  auto dead = reader(options("dead"));
  ASSERT_EQ(dead->read().value().size(), 1u);
  auto o = options("alive");
  o.claim_idle = std::chrono::milliseconds(0);
  auto alive = reader(o);
  auto got = alive->read();
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].data, "l1");
  EXPECT_TRUE((*got)[0].claimed);
}

TEST_F(RedisStreamTest, APoisonEntryGoesToTheDlqStream) {
  add({"poison"});
  auto o = options("w1");
  o.max_deliveries = 1;
  ASSERT_EQ(reader(o)->read().value().size(), 1u);  // delivery 1, never acknowledged
  auto restarted = reader(o);
  auto got = restarted->read();  // delivery 2 > max_deliveries
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_TRUE(got->empty());
  EXPECT_EQ(restarted->dead_lettered(), 1u);
  EXPECT_EQ(restarted->pending_count().value(), 0);
  auto dlq = client_->command({"XRANGE", "lines:dlq", "-", "+"});
  ASSERT_TRUE(dlq);
  ASSERT_EQ((*dlq)->elements, 1u);
  const redisReply* body = (*dlq)->element[0]->element[1];
  std::map<std::string, std::string> fields;
  for (std::size_t i = 0; i + 1 < body->elements; i += 2) fields[body->element[i]->str] = body->element[i + 1]->str;
  EXPECT_EQ(fields["reason"], "poison");
  EXPECT_EQ(fields["detail"], "delivered 2 times");
  EXPECT_EQ(fields["data"], "poison");
  EXPECT_EQ(fields["source"].rfind("lines/", 0), 0u) << fields["source"];
}

}  // namespace
}  // namespace iot::store
