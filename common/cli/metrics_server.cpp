#include "cli/metrics_server.hpp"

#include <microhttpd.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>

#include "cli/run.hpp"
#include "core/log.hpp"
#include "core/port_number.hpp"

namespace iot::cli {
namespace {

struct ListenAddress { std::string host; std::string port; };

Result<ListenAddress> split_listen(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return make_error(ErrorKind::usage, "usage",
                      "--metrics-listen \"" + std::string(text) + "\": " + std::string(why) +
                          "; expected HOST:PORT, [IPv6]:PORT or :PORT");
  };
  ListenAddress a;
  std::string_view rest;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos) return bad("no ']' after the IPv6 address");
    a.host = std::string(text.substr(1, close - 1));
    rest = text.substr(close + 1);
    if (!rest.starts_with(':')) return bad("no port after the IPv6 address");
    rest.remove_prefix(1);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("no port");
    a.host = std::string(text.substr(0, colon));
    rest = text.substr(colon + 1);
  }
  auto port = parse_port(rest, /*allow_zero=*/true);
  if (!port) return bad("the port is not a number from 0 to 65535");
  a.port = std::to_string(*port);
  return a;
}

MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url, const char* method,
                      const char* /*version*/, const char* /*upload_data*/, size_t* upload_size,
                      void** /*state*/) {
  const auto* server = static_cast<const MetricsServer*>(cls);
  MetricsServer::Reply reply;
  if (std::strcmp(method, "GET") != 0 && std::strcmp(method, "HEAD") != 0) {
    reply = {405, "text/plain; charset=utf-8", "only GET and HEAD\n"};
  } else if (*upload_size != 0) {
    *upload_size = 0;  // a GET with a body: the body is ignored
    return MHD_YES;
  } else {
    reply = server->answer(url);
  }
  MHD_Response* response =
      MHD_create_response_from_buffer(reply.body.size(), reply.body.data(), MHD_RESPMEM_MUST_COPY);
  if (!response) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type.c_str());
  if (reply.status == 405) MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
  MHD_Result queued = MHD_queue_response(connection, reply.status, response);
  MHD_destroy_response(response);
  return queued;
}

}  // namespace

MetricsServer::Reply MetricsServer::answer(std::string_view path) const {
  if (path == "/metrics") {
    // The Prometheus text exposition format, version 0.0.4.
    return {200, "text/plain; version=0.0.4; charset=utf-8", exposition_.metrics ? exposition_.metrics() : ""};
  }
  if (path == "/healthz") {
    Health h = exposition_.health ? exposition_.health() : Health{};
    nlohmann::json body = {{"status", h.healthy ? "ok" : "unhealthy"}};
    for (const auto& [key, value] : h.detail.items()) body[key] = value;
    return {h.healthy ? 200u : 503u, "application/json", body.dump() + "\n"};
  }
  return {404, "text/plain; charset=utf-8", "not found: try /metrics or /healthz\n"};
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(std::string_view listen, Exposition exposition) {
  auto address = split_listen(listen);
  if (!address) return address.error();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const char* host = address->host.empty() ? nullptr : address->host.c_str();
  if (int rc = ::getaddrinfo(host, address->port.c_str(), &hints, &found); rc != 0 || !found)
    return make_error(ErrorKind::usage, "usage",
                      "--metrics-listen " + std::string(listen) + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
  std::unique_ptr<MetricsServer> server(new MetricsServer(std::move(exposition)));
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD;
  if (found->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
  server->daemon_ = MHD_start_daemon(flags, 0, nullptr, nullptr, &on_request, server.get(),
                                     MHD_OPTION_SOCK_ADDR, found->ai_addr,
                                     MHD_OPTION_CONNECTION_TIMEOUT, 10u,
                                     MHD_OPTION_END);
  if (!server->daemon_)
    return make_error(ErrorKind::usage, "usage",
                      "--metrics-listen " + std::string(listen) + ": cannot listen there (in use, or not this host's address)");
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info ? info->port : 0;
  return server;
}

MetricsServer::~MetricsServer() {
  if (daemon_) MHD_stop_daemon(daemon_);
}

Health broker_health(bool connected) {
  Health h;
  h.healthy = connected;
  h.detail["broker"] = connected ? "connected" : "disconnected";
  return h;
}

Health database_health(bool breaker_open) {
  Health h;
  h.healthy = !breaker_open;
  h.detail["database"] = breaker_open ? "unavailable" : "connected";
  h.detail["breaker"] = breaker_open ? "open" : "closed";
  return h;
}

std::unique_ptr<MetricsServer> serve_metrics(const std::string& listen, Exposition exposition) {
  if (listen.empty()) return nullptr;
  auto server = MetricsServer::start(listen, std::move(exposition));
  if (!server) fail(server.error());
  auto address = split_listen(listen);
  std::string host = address->host.empty() ? "*" : address->host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  log::info("metrics on http://{}:{}/metrics and /healthz", host, (*server)->port());
  return std::move(*server);
}

}  // namespace iot::cli
