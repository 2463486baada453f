#include "store/pubsub_batches.hpp"

#include <unordered_map>

#include "store/pubsub_message.hpp"

namespace iot::store {
namespace {

constexpr std::string_view kOpen = "{\"messages\":[";
constexpr std::string_view kClose = "]}";

void close_request(PublishRequest& r) { r.body += kClose; }

}  // namespace

PublishPlan plan_publish(const std::vector<ReadingRow>& rows, const std::vector<bool>* skip,
                         const PublishLimits& limits) {
  PublishPlan plan;
  std::unordered_map<std::string, std::size_t> lane_of;  // ordering key -> lane
  std::size_t open_unordered = SIZE_MAX;                 // the unordered lane still taking messages
  std::string message;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (skip && (*skip)[i]) continue;
    message.clear();
    if (auto st = append_pubsub_message(message, rows[i]); !st) {
      plan.refused.emplace_back(i, st.error());
      continue;
    }
    const std::string& key = rows[i].ordering_key;
    std::size_t lane;
    if (key.empty()) {
      lane = open_unordered;
    } else {
      auto it = lane_of.find(key);
      lane = it == lane_of.end() ? SIZE_MAX : it->second;
    }
    if (lane == SIZE_MAX) {
      lane = plan.lanes.size();
      plan.lanes.push_back({key, {}});
      if (key.empty())
        open_unordered = lane;
      else
        lane_of.emplace(key, lane);
    }
    auto& requests = plan.lanes[lane].requests;
    const bool full = !requests.empty() &&
                      (requests.back().rows.size() >= limits.messages ||
                       requests.back().body.size() + 1 + message.size() + kClose.size() > limits.bytes);
    if (full && key.empty()) {  // an unordered request is a lane of its own
      close_request(requests.back());
      lane = plan.lanes.size();
      plan.lanes.push_back({key, {}});
      open_unordered = lane;
    } else if (full) {
      close_request(requests.back());
    }
    auto& target = plan.lanes[lane].requests;
    if (full || target.empty()) {
      target.emplace_back();
      target.back().body.reserve(std::min<std::size_t>(limits.bytes, 1 << 20));
      target.back().body = kOpen;
    } else {
      target.back().body += ',';
    }
    target.back().body += message;
    target.back().rows.push_back(i);
  }
  for (auto& lane : plan.lanes)
    if (!lane.requests.empty()) close_request(lane.requests.back());
  return plan;
}

}  // namespace iot::store
