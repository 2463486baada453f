// A Redis Cluster as one pipeline (iot-ingest(1), REDIS CLUSTER): each
// command goes to the master that owns its key's slot (redis_slot.hpp),
// one pipelined round trip per node. The slot map comes from CLUSTER SLOTS
// of any node that answers; a MOVED reply moves the slot and refreshes the
// map, an ASK reply (a slot being migrated) sends that one command to the
// named node after ASKING. A node that cannot be reached, CLUSTERDOWN and
// TRYAGAIN are what a failover looks like from outside: the map is asked
// for again and the commands are sent again until `settle` has passed, so a
// replica promoted in that time costs a pause, not an error. A command sent
// again may have run once already (its connection broke before the reply):
// the toolkit's commands are idempotent or, as XADD, deduplicated
// downstream by the primary key.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/redis_node.hpp"
#include "store/redis_slot.hpp"

namespace iot::store {

struct RedisEndpoint {
  std::string host;
  int port = 6379;
};

class RedisCluster {
 public:
  struct Options {
    std::chrono::milliseconds settle{30000};  // how long a failover may take
  };
  // Reads the slot map from the first seed that answers. Errors:
  // unavailable "redis_unavailable" (no seed answers, or not a cluster).
  static Result<std::unique_ptr<RedisCluster>> connect(std::vector<RedisEndpoint> seeds, std::string password,
                                                       Options options);
  // Replies in the order of the commands, error replies included (as from
  // one server); redirections and failovers are handled inside.
  Result<std::vector<RedisReply>> pipeline(const std::vector<std::vector<std::string>>& commands);
  // Asks a node for the slot map again.
  Status refresh();
  // "host:port" of the master owning the slot ("" when none is known).
  std::string owner(int slot) const;
  std::uint64_t redirections() const { return redirections_; }

 private:
  RedisCluster(std::vector<RedisEndpoint> seeds, std::string password, Options options)
      : seeds_(std::move(seeds)), password_(std::move(password)), options_(options) {
    slots_.fill(-1);
  }
  RedisNode& node(const std::string& address);
  int address_index(const std::string& address);
  std::string target_of(const std::vector<std::string>& argv) const;

  std::vector<RedisEndpoint> seeds_;
  std::string password_;
  Options options_;
  std::map<std::string, std::unique_ptr<RedisNode>> nodes_;  // by "host:port"
  std::vector<std::string> addresses_;                        // slots_ index into this
  std::array<int, redis_slot_count> slots_{};
  std::uint64_t redirections_ = 0;
};

// "host:port" -> endpoint (the host may be an IPv6 literal: the port follows the last ':').
RedisEndpoint parse_endpoint(const std::string& address);

}  // namespace iot::store
