// The toolkit's Redis client: one server (redis://) or a Redis Cluster
// (redis+cluster://, routed by key slot: redis_cluster.hpp), with
// argv-style commands (binary safe) and pipelining either way.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "store/redis_cluster.hpp"
#include "store/redis_node.hpp"

namespace iot::store {

// redis://[:password@]host[:port][/PATH] or
// redis+cluster://[:password@]host[:port][,host[:port]...][/PATH]: PATH is
// a stream name (the rest of the URL, ':' and all) or empty. For a cluster
// the hosts are starting points: any one that answers gives the whole slot map.
struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  std::string path;
  bool cluster = false;
  std::vector<RedisEndpoint> nodes;  // every host of the URL, host:port first
};
Result<RedisUrl> parse_redis_url(std::string_view url);
// Whether text names Redis (either scheme), as --dedup tells it from "memory".
bool is_redis_url(std::string_view text);

class RedisClient {
 public:
  // Errors: unavailable "redis_unavailable".
  static Result<std::unique_ptr<RedisClient>> connect(const RedisUrl& url);
  // One command; an error reply is an Error (reason "redis_error").
  Result<RedisReply> command(const std::vector<std::string>& argv);
  // Many commands in one round trip (one per node of a cluster); replies in order.
  Result<std::vector<RedisReply>> pipeline(const std::vector<std::vector<std::string>>& commands);
  // Commands whose replies are not needed, pipelined; the first error reply
  // is an Error (unavailable "redis_error", its text after `what`).
  Status run(const std::vector<std::vector<std::string>>& commands, std::string_view what);
  Status reconnect();
  // The cluster behind a redis+cluster:// URL, or none.
  RedisCluster* cluster() { return cluster_.get(); }

 private:
  explicit RedisClient(RedisUrl url) : url_(std::move(url)) {}
  RedisUrl url_;
  std::unique_ptr<RedisNode> node_;
  std::unique_ptr<RedisCluster> cluster_;
};

}  // namespace iot::store
