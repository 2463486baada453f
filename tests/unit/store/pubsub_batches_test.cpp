#include "store/pubsub_batches.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/pubsub_message.hpp"

namespace iot::store {
namespace {

std::vector<ReadingRow> rows_with_keys(const std::vector<std::string>& keys) {
  std::vector<ReadingRow> rows;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    ReadingRow r;
    r.device_id = "d" + std::to_string(i);
    r.metric = "m";
    r.value = static_cast<double>(i);
    r.ordering_key = keys[i];
    rows.push_back(r);
  }
  return rows;
}

std::size_t messages_in(const PublishRequest& r) { return nlohmann::json::parse(r.body)["messages"].size(); }

TEST(PubsubBatches, OneLanePerKeyInOrderAndUnorderedRequestsApart) {
  auto rows = rows_with_keys({"A", "B", "", "A", "", "B", "A"});
  auto plan = plan_publish(rows, nullptr, {2, 1'000'000});
  EXPECT_TRUE(plan.refused.empty());
  ASSERT_EQ(plan.lanes.size(), 3u);  // A, B, and one unordered request of the two keyless rows
  EXPECT_EQ(plan.lanes[0].ordering_key, "A");
  ASSERT_EQ(plan.lanes[0].requests.size(), 2u);  // 2 messages a request
  EXPECT_EQ(plan.lanes[0].requests[0].rows, (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(plan.lanes[0].requests[1].rows, (std::vector<std::size_t>{6}));
  EXPECT_EQ(plan.lanes[1].requests[0].rows, (std::vector<std::size_t>{1, 5}));
  EXPECT_EQ(plan.lanes[2].ordering_key, "");
  EXPECT_EQ(plan.lanes[2].requests[0].rows, (std::vector<std::size_t>{2, 4}));
  for (const auto& lane : plan.lanes)
    for (const auto& r : lane.requests) {
      EXPECT_EQ(messages_in(r), r.rows.size());
      const auto body = nlohmann::json::parse(r.body);  // kept alive: the loop walks into it
      for (const auto& m : body["messages"]) EXPECT_EQ(m.value("orderingKey", ""), lane.ordering_key);
    }
}

TEST(PubsubBatches, ThousandMessagesAtMostAndUnorderedSpillsIntoNewLanes) {
  auto rows = rows_with_keys(std::vector<std::string>(2500, ""));
  auto plan = plan_publish(rows, nullptr);
  ASSERT_EQ(plan.lanes.size(), 3u);  // unordered: each request may go at once
  EXPECT_EQ(plan.lanes[0].requests.at(0).rows.size(), 1000u);
  EXPECT_EQ(plan.lanes[1].requests.at(0).rows.size(), 1000u);
  EXPECT_EQ(plan.lanes[2].requests.at(0).rows.size(), 500u);
  EXPECT_EQ(messages_in(plan.lanes[2].requests[0]), 500u);
}

TEST(PubsubBatches, ByteLimitSplitsAKeysLane) {
  auto rows = rows_with_keys(std::vector<std::string>(10, "K"));
  std::string one;
  ASSERT_TRUE(append_pubsub_message(one, rows[0]));
  const std::size_t limit = 3 * (one.size() + 1) + 20;  // room for three messages
  auto plan = plan_publish(rows, nullptr, {1000, limit});
  ASSERT_EQ(plan.lanes.size(), 1u);
  std::size_t total = 0;
  for (const auto& r : plan.lanes[0].requests) {
    EXPECT_LE(r.body.size(), limit);
    EXPECT_EQ(messages_in(r), r.rows.size());
    total += r.rows.size();
  }
  EXPECT_EQ(total, 10u);
  EXPECT_GE(plan.lanes[0].requests.size(), 4u);
}

TEST(PubsubBatches, SkipsPublishedAndSetsRefusedAside) {
  auto rows = rows_with_keys({"A", "A", "A"});
  rows[1].tags_json = R"({"big":")" + std::string(2000, 'x') + R"("})";
  std::vector<bool> skip{true, false, false};
  auto plan = plan_publish(rows, &skip);
  ASSERT_EQ(plan.refused.size(), 1u);
  EXPECT_EQ(plan.refused[0].first, 1u);
  EXPECT_EQ(plan.refused[0].second.reason, "db_rejected");
  ASSERT_EQ(plan.lanes.size(), 1u);
  EXPECT_EQ(plan.lanes[0].requests.at(0).rows, (std::vector<std::size_t>{2}));
}

}  // namespace
}  // namespace iot::store
