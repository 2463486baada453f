// iot-ingest --notify (iot-ingest(1)): what a route of kind state or
// metrics PUBLISHes on its channel, and what a route of kind log XADDs to
// its stream (MAXLEN ~ max_len), sent over the toolkit's one Redis client
// (redis_client.hpp), pipelined: one round trip a batch.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/redis_client.hpp"

namespace iot::store {

struct RedisNotice {
  bool publish = true;                   // true: PUBLISH key data; false: XADD key
  std::string key;                       // the channel or stream, its template expanded
  std::string data;                      // the payload, one line of JSON
  std::string device_id, msg_id;         // XADD fields beside data
  std::optional<std::uint64_t> max_len;  // XADD MAXLEN ~ N; none: no trimming
};

// The command a notice sends: PUBLISH key data, or
// XADD key [MAXLEN ~ N] * device_id D msg_id M data JSON.
std::vector<std::string> notice_command(const RedisNotice& notice);

class RedisNotifier {
 public:
  explicit RedisNotifier(std::unique_ptr<RedisClient> client) : client_(std::move(client)) {}
  // Every notice in one pipelined round trip, tried once more on a new
  // connection when the old one was lost. Errors: unavailable
  // "redis_unavailable" or "redis_error" (a refused command).
  Status send(const std::vector<RedisNotice>& notices);

 private:
  std::unique_ptr<RedisClient> client_;
};

}  // namespace iot::store
