// DeviceTable: per-device state under a hard cap, least recently seen
// evicted first (iot-verify(1), iot-ingest(1): --max-devices).
#include "checks/device_table.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace iot::checks {
namespace {

std::vector<std::string> ids_most_recent_first(const DeviceTable<int>& t) {
  std::vector<std::string> out;
  t.for_each([&](std::string_view id, const int&) { out.emplace_back(id); });
  return out;
}

TEST(DeviceTable, NewDevicesStartWithAFreshValue) {
  DeviceTable<int> t(10);
  bool created = false;
  t.touch("A", created) = 5;
  EXPECT_TRUE(created);
  EXPECT_EQ(t.touch("A", created), 5);
  EXPECT_FALSE(created);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.find("B"), nullptr);
  EXPECT_THROW((void)t.at("B"), std::out_of_range);
}

TEST(DeviceTable, EvictsTheLeastRecentlySeenInOrder) {
  DeviceTable<int> t(3);
  t["A"] = 1;
  t["B"] = 2;
  t["C"] = 3;
  t["A"] += 10;  // A is now the most recent: B is the oldest
  EXPECT_EQ(ids_most_recent_first(t), (std::vector<std::string>{"A", "C", "B"}));
  t["D"] = 4;  // evicts B
  EXPECT_EQ(ids_most_recent_first(t), (std::vector<std::string>{"D", "A", "C"}));
  EXPECT_FALSE(t.contains("B"));
  EXPECT_EQ(t.evicted(), 1u);
  t["E"] = 5;  // evicts C
  t["F"] = 6;  // evicts A
  EXPECT_EQ(ids_most_recent_first(t), (std::vector<std::string>{"F", "E", "D"}));
  EXPECT_EQ(t.evicted(), 3u);
  EXPECT_EQ(t.size(), 3u);
  bool created = false;
  EXPECT_EQ(t.touch("B", created), 0);  // came back: starts afresh
  EXPECT_TRUE(created);
  EXPECT_EQ(t.at("E"), 5);
}

TEST(DeviceTable, FindDoesNotChangeTheOrder) {
  DeviceTable<int> t(2);
  t["A"];
  t["B"];
  ASSERT_NE(t.find("A"), nullptr);
  t["C"];  // A is still the oldest
  EXPECT_FALSE(t.contains("A"));
  EXPECT_TRUE(t.contains("B"));
}

// A flood of new ids through a small table, checked against a plain model:
// the index stays right across growth and deletions (backward shifts).
TEST(DeviceTable, FloodAgreesWithAModel) {
  constexpr std::size_t cap = 1000;
  DeviceTable<std::uint64_t> t(cap);
  std::vector<std::string> order;  // the model's recency list, oldest first
  std::unordered_map<std::string, std::uint64_t> model;
  std::mt19937_64 rng(7);
  for (std::uint64_t i = 0; i < 20'000; ++i) {
    // Mostly new random ids, some repeats of recent ones.
    std::string id = (rng() % 4 == 0 && !order.empty()) ? order[order.size() - 1 - rng() % std::min<std::size_t>(order.size(), 50)]
                                                        : "dev-" + std::to_string(rng());
    bool created = false;
    std::uint64_t& v = t.touch(id, created);
    EXPECT_EQ(created, !model.contains(id));
    if (!created) {
      EXPECT_EQ(v, model[id]);
    }
    v = i;
    std::erase(order, id);
    order.push_back(id);
    model[id] = i;
    if (order.size() > cap) {
      model.erase(order.front());
      order.erase(order.begin());
    }
  }
  EXPECT_EQ(t.size(), cap);
  for (const auto& [id, v] : model) {
    ASSERT_TRUE(t.contains(id)) << id;
    EXPECT_EQ(t.at(id), v);
  }
  std::vector<std::string> newest_first(order.rbegin(), order.rend());
  std::vector<std::string> got;
  t.for_each([&](std::string_view id, const std::uint64_t&) { got.emplace_back(id); });
  EXPECT_EQ(got, newest_first);
}

TEST(DeviceTable, ACapOfZeroKeepsOne) {
  DeviceTable<int> t(0);
  t["A"];
  t["B"];
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.evicted(), 1u);
}

}  // namespace
}  // namespace iot::checks
