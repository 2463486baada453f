// One connection to one Redis server (a hiredis context in an RAII owner),
// argv-style commands (binary safe: values never pass through a format
// string), pipelined. RedisClient uses one for redis://, RedisCluster one
// per node for redis+cluster://.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace iot::store {

struct RedisReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyFree>;

class RedisNode {
 public:
  RedisNode(std::string host, int port, std::string password)
      : host_(std::move(host)), port_(port), password_(std::move(password)) {}
  // Connects (and sends AUTH when there is a password). Errors: unavailable
  // "redis_unavailable".
  Status open();
  // The commands in one round trip, replies in order; error replies are
  // replies here. A broken connection is an Error (unavailable), and the
  // next call connects again.
  Result<std::vector<RedisReply>> pipeline(const std::vector<std::vector<std::string>>& commands);
  std::string address() const { return host_ + ":" + std::to_string(port_); }
  const std::string& host() const { return host_; }
  int port() const { return port_; }

 private:
  struct Free {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  std::string host_;
  int port_;
  std::string password_;
  std::unique_ptr<redisContext, Free> ctx_;
};

// An error reply's text ("" for any other reply).
std::string error_text(const redisReply* reply);

}  // namespace iot::store
