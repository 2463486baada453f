#include "store/redis_cluster.hpp"

#include <algorithm>
#include <charconv>
#include <thread>

namespace iot::store {
namespace {

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

// "MOVED 3999 127.0.0.1:6381" / "ASK 3999 127.0.0.1:6381" -> slot and address.
bool parse_redirect(const std::string& error, int& slot, std::string& address) {
  auto first = error.find(' ');
  auto second = error.find(' ', first + 1);
  if (first == std::string::npos || second == std::string::npos) return false;
  std::string_view number(error.data() + first + 1, second - first - 1);
  auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), slot);
  if (ec != std::errc() || slot < 0 || slot >= redis_slot_count) return false;
  address = error.substr(second + 1);
  return !address.empty();
}

// Errors a cluster gives while it changes its mind (UNBLOCKED: a blocked read
// on a master that just became a replica): the command is sent again.
bool transient(const std::string& error) {
  return starts_with(error, "TRYAGAIN") || starts_with(error, "CLUSTERDOWN") || starts_with(error, "LOADING") ||
         starts_with(error, "MASTERDOWN") || starts_with(error, "UNBLOCKED");
}

std::string text_of(const redisReply* r) {
  return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) ? std::string(r->str, r->len)
                                                                                 : std::string();
}

}  // namespace

RedisEndpoint parse_endpoint(const std::string& address) {
  RedisEndpoint out;
  auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    out.host = address;
    return out;
  }
  out.host = address.substr(0, colon);
  std::from_chars(address.data() + colon + 1, address.data() + address.size(), out.port);
  return out;
}

Result<std::unique_ptr<RedisCluster>> RedisCluster::connect(std::vector<RedisEndpoint> seeds, std::string password,
                                                            Options options) {
  std::unique_ptr<RedisCluster> cluster(new RedisCluster(std::move(seeds), std::move(password), options));
  if (auto st = cluster->refresh(); !st) return st.error();
  return cluster;
}

int RedisCluster::address_index(const std::string& address) {
  auto it = std::find(addresses_.begin(), addresses_.end(), address);
  if (it != addresses_.end()) return static_cast<int>(it - addresses_.begin());
  addresses_.push_back(address);
  return static_cast<int>(addresses_.size() - 1);
}

RedisNode& RedisCluster::node(const std::string& address) {
  auto& slot = nodes_[address];
  if (!slot) {
    RedisEndpoint e = parse_endpoint(address);
    slot = std::make_unique<RedisNode>(e.host, e.port, password_);
  }
  return *slot;
}

std::string RedisCluster::owner(int slot) const {
  int i = slots_[static_cast<std::size_t>(slot)];
  return i < 0 ? std::string() : addresses_[static_cast<std::size_t>(i)];
}

std::string RedisCluster::target_of(const std::vector<std::string>& argv) const {
  if (auto key = command_key(argv)) return owner(key_slot(*key));
  for (int i : slots_)
    if (i >= 0) return addresses_[static_cast<std::size_t>(i)];
  return seeds_.empty() ? std::string() : seeds_.front().host + ":" + std::to_string(seeds_.front().port);
}

Status RedisCluster::refresh() {
  // The masters we know first, then the hosts the URL named.
  std::vector<std::string> candidates;
  for (int i : slots_)
    if (i >= 0 && std::find(candidates.begin(), candidates.end(), addresses_[static_cast<std::size_t>(i)]) ==
                      candidates.end())
      candidates.push_back(addresses_[static_cast<std::size_t>(i)]);
  for (const auto& s : seeds_) {
    std::string a = s.host + ":" + std::to_string(s.port);
    if (std::find(candidates.begin(), candidates.end(), a) == candidates.end()) candidates.push_back(a);
  }
  std::string last = "no node to ask";
  for (const auto& address : candidates) {
    RedisNode& n = node(address);
    auto got = n.pipeline({{"CLUSTER", "SLOTS"}});
    if (!got) {
      last = got.error().message;
      continue;
    }
    const redisReply* top = got->front().get();
    if (auto why = error_text(top); !why.empty()) {
      last = "Redis " + address + ": CLUSTER SLOTS: " + why;
      continue;
    }
    if (top->type != REDIS_REPLY_ARRAY || top->elements == 0) {
      last = "Redis " + address + ": no slots assigned";
      continue;
    }
    std::array<int, redis_slot_count> map;
    map.fill(-1);
    for (std::size_t r = 0; r < top->elements; ++r) {
      const redisReply* range = top->element[r];
      if (range->type != REDIS_REPLY_ARRAY || range->elements < 3) continue;
      const redisReply* master = range->element[2];
      if (master->type != REDIS_REPLY_ARRAY || master->elements < 2) continue;
      std::string host = text_of(master->element[0]);
      if (host.empty() || host == "?") host = n.host();  // "the node you asked"
      int index = address_index(host + ":" + std::to_string(master->element[1]->integer));
      long long from = std::max(0LL, range->element[0]->integer);
      long long to = std::min<long long>(redis_slot_count - 1, range->element[1]->integer);
      for (long long s = from; s <= to; ++s) map[static_cast<std::size_t>(s)] = index;
    }
    slots_ = map;
    return ok_status();
  }
  return make_error(ErrorKind::unavailable, "redis_unavailable", "Redis Cluster: " + last);
}

Result<std::vector<RedisReply>> RedisCluster::pipeline(const std::vector<std::vector<std::string>>& commands) {
  std::vector<RedisReply> replies(commands.size());
  std::vector<std::size_t> todo(commands.size());
  for (std::size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  std::map<std::size_t, std::string> ask;  // command -> node named by an ASK reply
  const auto deadline = std::chrono::steady_clock::now() + options_.settle;
  std::string problem;
  for (int round = 0; !todo.empty(); ++round) {
    // Commands grouped by node, each group in the callers' order.
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t i : todo) {
      auto a = ask.find(i);
      groups[a != ask.end() ? a->second : target_of(commands[i])].push_back(i);
    }
    std::vector<std::size_t> again;
    bool stale_map = false, wait = false;
    for (auto& [address, members] : groups) {
      if (address.empty()) {
        again.insert(again.end(), members.begin(), members.end());
        stale_map = wait = true;
        problem = "no master owns the slot";
        continue;
      }
      std::vector<std::vector<std::string>> batch;
      std::vector<std::size_t> at;
      for (std::size_t i : members) {
        if (ask.count(i)) batch.push_back({"ASKING"});
        at.push_back(batch.size());
        batch.push_back(commands[i]);
      }
      auto got = node(address).pipeline(batch);
      if (!got) {  // a node gone: perhaps failing over
        again.insert(again.end(), members.begin(), members.end());
        stale_map = wait = true;
        problem = got.error().message;
        continue;
      }
      for (std::size_t k = 0; k < members.size(); ++k) {
        std::size_t i = members[k];
        RedisReply& reply = (*got)[at[k]];
        std::string error = error_text(reply.get());
        ask.erase(i);
        int slot = 0;
        std::string to;
        if (starts_with(error, "MOVED ") && parse_redirect(error, slot, to)) {
          slots_[static_cast<std::size_t>(slot)] = address_index(to);
          ++redirections_;
          stale_map = true;
          again.push_back(i);
        } else if (starts_with(error, "ASK ") && parse_redirect(error, slot, to)) {
          ask[i] = to;
          ++redirections_;
          again.push_back(i);
        } else if (transient(error)) {
          again.push_back(i);
          stale_map = wait = true;
          problem = "Redis " + address + ": " + error;
        } else {
          replies[i] = std::move(reply);
        }
      }
    }
    std::sort(again.begin(), again.end());
    todo = std::move(again);
    if (todo.empty()) break;
    if (stale_map) (void)refresh();
    if (wait || round >= 8) {  // a redirection loop is waited out like a failover
      if (std::chrono::steady_clock::now() >= deadline)
        return make_error(ErrorKind::unavailable, "redis_unavailable",
                          "Redis Cluster: " + (problem.empty() ? std::string("redirected in a loop") : problem));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return replies;
}

}  // namespace iot::store
