#include "store/redis_notify.hpp"

namespace iot::store {

std::vector<std::string> notice_command(const RedisNotice& n) {
  if (n.publish) return {"PUBLISH", n.key, n.data};
  std::vector<std::string> argv{"XADD", n.key};
  if (n.max_len) {
    argv.insert(argv.end(), {"MAXLEN", "~", std::to_string(*n.max_len)});
  }
  argv.insert(argv.end(), {"*", "device_id", n.device_id, "msg_id", n.msg_id, "data", n.data});
  return argv;
}

Status RedisNotifier::send(const std::vector<RedisNotice>& notices) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(notices.size());
  for (const auto& n : notices) commands.push_back(notice_command(n));
  // A connection lost since the last batch (a Redis restart) is opened
  // again once; a subscriber may then see a notice of the failed round trip twice.
  auto st = client_->run(commands, "--notify");
  if (!st && st.error().reason == "redis_unavailable") st = client_->run(commands, "--notify");
  return st;
}

}  // namespace iot::store
