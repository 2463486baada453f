// --metrics-listen HOST:PORT: the tool's counters served live over HTTP, for
// Prometheus to scrape (iot-sub(1) and the other tools, "Logging options").
// /metrics answers the same text --metrics-file writes at exit; /healthz
// answers 200 while the tool's connection is up and 503 when it is not, with
// a small JSON body saying which. The HTTP server is libmicrohttpd's, on its
// own thread: the callbacks run there while the tool works, so they read
// only counters (word-sized values that may be a moment old when read) and
// connection flags, never a database handle or a container that grows.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

struct MHD_Daemon;

namespace iot::cli {

// What /healthz says: healthy or not, and the facts behind it (for
// example {"broker": "connected", "breaker": "closed"}).
struct Health {
  bool healthy = true;
  nlohmann::json detail = nlohmann::json::object();
};

struct Exposition {
  std::function<std::string()> metrics;  // Prometheus text for /metrics
  std::function<Health()> health;        // for /healthz; none: always healthy
};

class MetricsServer {
 public:
  // `listen` is HOST:PORT, [IPv6]:PORT or :PORT (every interface); port 0
  // picks a free port, which port() then tells.
  static Result<std::unique_ptr<MetricsServer>> start(std::string_view listen, Exposition exposition);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  std::uint16_t port() const { return port_; }

  // The answer to one GET: status and body (also what the tests call).
  struct Reply { unsigned status = 200; std::string content_type; std::string body; };
  Reply answer(std::string_view path) const;

 private:
  explicit MetricsServer(Exposition exposition) : exposition_(std::move(exposition)) {}
  Exposition exposition_;
  MHD_Daemon* daemon_ = nullptr;
  std::uint16_t port_ = 0;
};

// /healthz for a tool whose one connection is to the broker, and for one
// whose is to the database (unhealthy while the circuit breaker is open).
Health broker_health(bool connected);
Health database_health(bool breaker_open);

// Starts the server when --metrics-listen was given (nullptr otherwise) and
// logs the address it listens on, port 0 resolved; a bad address or a port
// in use ends the tool with a usage error.
std::unique_ptr<MetricsServer> serve_metrics(const std::string& listen, Exposition exposition);

}  // namespace iot::cli
