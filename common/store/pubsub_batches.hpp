// How a batch of readings becomes Pub/Sub publish requests (iot-ingest(1),
// Pub/Sub), as Google's client libraries batch: at most 1,000 messages or
// 9 MB per request. Messages with an ordering key go into that key's lane,
// in order, and a lane's requests must be sent one after the other (a later
// one only once the earlier one succeeded); messages without a key go into
// lanes of one request each, free to be sent all at once.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "store/row.hpp"

namespace iot::store {

struct PublishLimits {
  std::size_t messages = 1000;
  std::size_t bytes = 9'000'000;  // of the request body
};

struct PublishRequest {
  std::vector<std::size_t> rows;  // indexes into the batch's readings, in order
  std::string body;               // {"messages":[...]}
};

struct PublishLane {
  std::string ordering_key;  // empty: unordered (a lane of one request)
  std::vector<PublishRequest> requests;
};

struct PublishPlan {
  std::vector<PublishLane> lanes;
  std::vector<std::pair<std::size_t, Error>> refused;  // rows over a Pub/Sub limit, with the reason
};

// skip: rows not to publish (already published), or null.
PublishPlan plan_publish(const std::vector<ReadingRow>& rows, const std::vector<bool>* skip,
                         const PublishLimits& limits = {});

}  // namespace iot::store
