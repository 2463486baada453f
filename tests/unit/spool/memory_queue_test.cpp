#include "spool/memory_queue.hpp"

#include <gtest/gtest.h>

using iot::spool::MemoryQueue;
using iot::spool::OutboxEntry;

namespace {
OutboxEntry entry(std::string topic, int priority = 0) {
  OutboxEntry e;
  e.topic = std::move(topic);
  e.payload = "payload of " + e.topic;
  e.priority = priority;
  return e;
}

std::vector<std::string> topics(const MemoryQueue& q, std::size_t n, const std::unordered_set<std::int64_t>& skip = {}) {
  std::vector<OutboxEntry> got;
  q.peek(n, skip, got);
  std::vector<std::string> out;
  for (auto& e : got) out.push_back(e.topic);
  return out;
}
}  // namespace

TEST(MemoryQueue, IdsFollowArrivalAndPeekCopiesTheBytes) {
  MemoryQueue q;
  EXPECT_EQ(q.add(entry("a")), 1);
  EXPECT_EQ(q.add(entry("b")), 2);
  std::vector<OutboxEntry> got;
  q.peek(1, {}, got);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, 1);
  EXPECT_EQ(got[0].payload, "payload of a");
  EXPECT_EQ(q.size(), 2u);  // peek does not take
}

TEST(MemoryQueue, HigherPriorityFirstThenArrival) {
  MemoryQueue q;
  for (auto [t, p] : {std::pair{"n1", 0}, {"a1", 1}, {"n2", 0}, {"a2", 1}}) q.add(entry(t, p));
  EXPECT_EQ(topics(q, 10), (std::vector<std::string>{"a1", "a2", "n1", "n2"}));
  EXPECT_EQ(topics(q, 3), (std::vector<std::string>{"a1", "a2", "n1"}));
  EXPECT_EQ(q.oldest_of_lowest_priority(), 1);  // n1
}

TEST(MemoryQueue, RemoveOutOfOrderAndSkip) {
  MemoryQueue q;
  for (auto t : {"a", "b", "c", "d"}) q.add(entry(t));
  EXPECT_TRUE(q.remove(3));
  EXPECT_FALSE(q.remove(3));   // already gone
  EXPECT_FALSE(q.remove(99));  // never there
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(topics(q, 10), (std::vector<std::string>{"a", "b", "d"}));
  EXPECT_EQ(topics(q, 2, {1}), (std::vector<std::string>{"b", "d"}));
  EXPECT_TRUE(q.remove(1));
  EXPECT_TRUE(q.remove(2));
  EXPECT_EQ(topics(q, 10), std::vector<std::string>{"d"});
  EXPECT_EQ(q.oldest_of_lowest_priority(), 4);
  EXPECT_TRUE(q.remove(4));
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.oldest_of_lowest_priority(), std::nullopt);
  EXPECT_EQ(q.add(entry("e")), 5);  // ids never repeat
  EXPECT_EQ(topics(q, 10), std::vector<std::string>{"e"});
}
