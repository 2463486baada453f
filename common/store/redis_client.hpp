// A hiredis connection in an RAII owner, with argv-style commands (binary
// safe: values never pass through a format string) and pipelining.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace iot::store {

struct RedisReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyFree>;

// redis://[:password@]host[:port][/PATH]: PATH is a stream name (the rest of
// the URL, ':' and all) or empty.
struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  std::string path;
};
Result<RedisUrl> parse_redis_url(std::string_view url);

class RedisClient {
 public:
  // Errors: unavailable "redis_unavailable".
  static Result<std::unique_ptr<RedisClient>> connect(const RedisUrl& url);
  // One command; an error reply is an Error (reason "redis_error").
  Result<RedisReply> command(const std::vector<std::string>& argv);
  // Many commands in one round trip; replies in order.
  Result<std::vector<RedisReply>> pipeline(const std::vector<std::vector<std::string>>& commands);
  Status reconnect();

 private:
  struct Free {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  explicit RedisClient(RedisUrl url) : url_(std::move(url)) {}
  Status open();
  Error io_error() const;
  RedisUrl url_;
  std::unique_ptr<redisContext, Free> ctx_;
};

}  // namespace iot::store
