#include "store/redis_dedup.hpp"

namespace iot::store {

Result<std::vector<bool>> RedisDedup::seen(const std::vector<std::string>& keys) {
  std::vector<bool> out(keys.size(), false);
  if (keys.empty()) return out;
  std::vector<std::vector<std::string>> commands;
  commands.reserve(keys.size());
  for (const auto& k : keys) commands.push_back({"EXISTS", k});
  auto replies = client_->pipeline(commands);
  if (!replies) return replies.error();
  for (std::size_t i = 0; i < keys.size(); ++i)
    out[i] = (*replies)[i]->type == REDIS_REPLY_INTEGER && (*replies)[i]->integer > 0;
  return out;
}

Status RedisDedup::record(const std::vector<std::string>& keys) {
  if (keys.empty()) return ok_status();
  std::vector<std::vector<std::string>> commands;
  commands.reserve(keys.size());
  const std::string ttl = std::to_string(ttl_);
  for (const auto& k : keys) commands.push_back({"SET", k, "1", "NX", "EX", ttl});
  auto replies = client_->pipeline(commands);
  if (!replies) return replies.error();
  return ok_status();
}

}  // namespace iot::store
