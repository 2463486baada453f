// msg_id dedup shared by several workers (iot-ingest(1), --dedup redis: SET NX EX
// on "{device_id}:{msg_id}"), pipelined: one round trip per batch.
//
// Ordering, so that nothing is lost: keys are only *looked up* (EXISTS)
// before the batch is written and *set* (SET NX EX) after it is committed.
// Setting them before the commit, the obvious way, would drop a message
// for good when the worker dies between the SET and the commit; this way a
// race between two workers lets a duplicate through to the primary key,
// which drops it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/redis_client.hpp"

namespace iot::store {

class RedisDedup {
 public:
  RedisDedup(std::unique_ptr<RedisClient> client, std::int64_t ttl_seconds)
      : client_(std::move(client)), ttl_(ttl_seconds) {}
  // For each key: true when it was already recorded (a duplicate).
  Result<std::vector<bool>> seen(const std::vector<std::string>& keys);
  // Records keys after their rows are committed.
  Status record(const std::vector<std::string>& keys);

 private:
  std::unique_ptr<RedisClient> client_;
  std::int64_t ttl_;
};

}  // namespace iot::store
