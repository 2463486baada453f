#include "store/redis_client.hpp"


#include "core/port_number.hpp"

namespace iot::store {
namespace {

constexpr std::string_view single_scheme = "redis://";
constexpr std::string_view cluster_scheme = "redis+cluster://";

// host[:port]; an empty host is the loopback address.
Result<RedisEndpoint> parse_host_port(std::string_view authority, std::string_view url) {
  RedisEndpoint out{"127.0.0.1", 6379};
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    auto port = parse_port(authority.substr(colon + 1));
    if (!port) return make_error(ErrorKind::usage, "bad_url", "bad port in '" + std::string(url) + "'");
    out.port = *port;
    authority = authority.substr(0, colon);
  }
  if (!authority.empty()) out.host = std::string(authority);
  return out;
}

}  // namespace

bool is_redis_url(std::string_view text) {
  return text.substr(0, single_scheme.size()) == single_scheme ||
         text.substr(0, cluster_scheme.size()) == cluster_scheme;
}

Result<RedisUrl> parse_redis_url(std::string_view url) {
  RedisUrl out;
  std::string_view rest;
  if (url.substr(0, single_scheme.size()) == single_scheme) {
    rest = url.substr(single_scheme.size());
  } else if (url.substr(0, cluster_scheme.size()) == cluster_scheme) {
    rest = url.substr(cluster_scheme.size());
    out.cluster = true;
  } else {
    return make_error(ErrorKind::usage, "bad_url",
                      "want redis://host[:port][/STREAM] or redis+cluster://host:port,host:port[/STREAM], got '" +
                          std::string(url) + "'");
  }
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.path = std::string(rest.substr(slash + 1));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view cred = authority.substr(0, at);
    if (auto colon = cred.find(':'); colon != std::string_view::npos) cred = cred.substr(colon + 1);
    out.password = std::string(cred);
    authority = authority.substr(at + 1);
  }
  if (!out.cluster && authority.find(',') != std::string_view::npos)
    return make_error(ErrorKind::usage, "bad_url",
                      "several hosts in '" + std::string(url) + "': a cluster is redis+cluster://host:port,host:port");
  while (true) {
    auto comma = authority.find(',');
    auto one = parse_host_port(authority.substr(0, comma), url);
    if (!one) return one.error();
    out.nodes.push_back(*one);
    if (comma == std::string_view::npos) break;
    authority = authority.substr(comma + 1);
  }
  out.host = out.nodes.front().host;
  out.port = out.nodes.front().port;
  return out;
}

Result<std::unique_ptr<RedisClient>> RedisClient::connect(const RedisUrl& url) {
  std::unique_ptr<RedisClient> client(new RedisClient(url));
  if (auto st = client->reconnect(); !st) return st.error();
  return client;
}

Status RedisClient::reconnect() {
  if (url_.cluster) {
    auto seeds = url_.nodes.empty() ? std::vector<RedisEndpoint>{{url_.host, url_.port}} : url_.nodes;
    auto c = RedisCluster::connect(std::move(seeds), url_.password, {});
    if (!c) return c.error();
    cluster_ = std::move(*c);
    return ok_status();
  }
  node_ = std::make_unique<RedisNode>(url_.host, url_.port, url_.password);
  return node_->open();
}

Result<RedisReply> RedisClient::command(const std::vector<std::string>& argv) {
  auto replies = pipeline({argv});
  if (!replies) return replies.error();
  if (auto why = error_text(replies->front().get()); !why.empty())
    return make_error(ErrorKind::bad_input, "redis_error", "Redis " + argv[0] + ": " + why);
  return std::move(replies->front());
}

Result<std::vector<RedisReply>> RedisClient::pipeline(const std::vector<std::vector<std::string>>& commands) {
  if (cluster_) return cluster_->pipeline(commands);
  return node_->pipeline(commands);
}

Status RedisClient::run(const std::vector<std::vector<std::string>>& commands, std::string_view what) {
  if (commands.empty()) return ok_status();
  auto replies = pipeline(commands);
  if (!replies) return replies.error();
  for (const auto& r : *replies)
    if (r && r->type == REDIS_REPLY_ERROR)
      return make_error(ErrorKind::unavailable, "redis_error", std::string(what) + ": " + std::string(r->str, r->len));
  return ok_status();
}

}  // namespace iot::store
