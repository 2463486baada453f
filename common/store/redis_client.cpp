#include "store/redis_client.hpp"

#include <charconv>
#include <optional>

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

Result<RedisUrl> parse_redis_url(std::string_view url) {
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, scheme.size()) != scheme)
    return make_error(ErrorKind::usage, "bad_url", "want redis://host[:port][/STREAM], got '" + std::string(url) + "'");
  RedisUrl out;
  std::string_view rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.path = std::string(rest.substr(slash + 1));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view cred = authority.substr(0, at);
    if (auto colon = cred.find(':'); colon != std::string_view::npos) cred = cred.substr(colon + 1);
    out.password = std::string(cred);
    authority = authority.substr(at + 1);
  }
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc() || p != port.data() + port.size() || out.port <= 0 || out.port > 65535)
      return make_error(ErrorKind::usage, "bad_url", "bad port in '" + std::string(url) + "'");
    authority = authority.substr(0, colon);
  }
  if (!authority.empty()) out.host = std::string(authority);
  return out;
}

Result<std::unique_ptr<RedisClient>> RedisClient::connect(const RedisUrl& url) {
  std::unique_ptr<RedisClient> client(new RedisClient(url));
  if (auto st = client->open(); !st) return st.error();
  return client;
}

Status RedisClient::open() {
  timeval timeout{5, 0};
  ctx_.reset(redisConnectWithTimeout(url_.host.c_str(), url_.port, timeout));
  if (!ctx_ || ctx_->err) {
    std::string why = ctx_ ? ctx_->errstr : "out of memory";
    ctx_.reset();
    return make_error(ErrorKind::unavailable, "redis_unavailable",
                      "Redis " + url_.host + ":" + std::to_string(url_.port) + ": " + why);
  }
  if (!url_.password.empty()) {
    auto r = command({"AUTH", url_.password});
    if (!r) return r.error();
  }
  return ok_status();
}

Status RedisClient::reconnect() { return open(); }

Error RedisClient::io_error() const {
  return make_error(ErrorKind::unavailable, "redis_unavailable",
                    std::string("Redis: ") + (ctx_ ? ctx_->errstr : "not connected"));
}

Result<RedisReply> RedisClient::command(const std::vector<std::string>& argv) {
  auto replies = pipeline({argv});
  if (!replies) return replies.error();
  return std::move(replies->front());
}

Result<std::vector<RedisReply>> RedisClient::pipeline(const std::vector<std::vector<std::string>>& commands) {
  if (!ctx_) {
    if (auto st = open(); !st) return st.error();
  }
  for (const auto& argv : commands) append_command(ctx_.get(), argv);
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  std::optional<Error> first_error;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_.get(), &raw) != REDIS_OK) {
      Error e = io_error();
      ctx_.reset();  // the next call reconnects
      return e;
    }
    RedisReply reply(static_cast<redisReply*>(raw));
    if (reply->type == REDIS_REPLY_ERROR && !first_error)
      first_error = make_error(ErrorKind::bad_input, "redis_error",
                               "Redis " + commands[i][0] + ": " + std::string(reply->str, reply->len));
    replies.push_back(std::move(reply));
  }
  if (first_error && commands.size() == 1) return *first_error;
  return replies;
}

}  // namespace iot::store
