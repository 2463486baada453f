#include "store/redis_node.hpp"

namespace iot::store {
namespace {

void append_command(redisContext* c, const std::vector<std::string>& argv) {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(c, static_cast<int>(argv.size()), ptrs.data(), lens.data());
}

}  // namespace

std::string error_text(const redisReply* reply) {
  return reply && reply->type == REDIS_REPLY_ERROR ? std::string(reply->str, reply->len) : std::string();
}

Status RedisNode::open() {
  timeval timeout{5, 0};
  ctx_.reset(redisConnectWithTimeout(host_.c_str(), port_, timeout));
  if (!ctx_ || ctx_->err) {
    std::string why = ctx_ ? ctx_->errstr : "out of memory";
    ctx_.reset();
    return make_error(ErrorKind::unavailable, "redis_unavailable", "Redis " + address() + ": " + why);
  }
  if (!password_.empty()) {
    auto r = pipeline({{"AUTH", password_}});
    if (!r) return r.error();
    if (auto why = error_text(r->front().get()); !why.empty()) {
      ctx_.reset();
      return make_error(ErrorKind::bad_input, "redis_error", "Redis AUTH: " + why);
    }
  }
  return ok_status();
}

Result<std::vector<RedisReply>> RedisNode::pipeline(const std::vector<std::vector<std::string>>& commands) {
  if (!ctx_) {
    if (auto st = open(); !st) return st.error();
  }
  for (const auto& argv : commands) append_command(ctx_.get(), argv);
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_.get(), &raw) != REDIS_OK) {
      Error e = make_error(ErrorKind::unavailable, "redis_unavailable",
                           "Redis " + address() + ": " + (ctx_->errstr[0] ? ctx_->errstr : "connection lost"));
      ctx_.reset();  // the next call reconnects
      return e;
    }
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  return replies;
}

}  // namespace iot::store
