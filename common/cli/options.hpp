// The option groups every tool shares (iot-toolkit(7), SHARED OPTIONS), one
// definition each. Precedence, written once in run.cpp:
// flag > IOT_<NAME> environment > --config file > default.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "mqtt/endpoint.hpp"

namespace iot::cli {

struct BrokerOptions {
  std::string url;            // --broker mqtt://[user@]host[:port] or mqtts://
  std::string host;           // -h, as in mosquitto_pub (overrides the URL's host)
  int port = 0;               // -p (0: from the URL, else 1883 / 8883)
  std::string user;           // -u
  std::string password_file;  // --password-file; IOT_PASSWORD also works
  std::string client_id;      // -i (default: unique per process)
  int keepalive = 60;         // -k seconds
  int protocol = 5;           // -V 5|311
  int qos = 1;                // -q 0|1|2
  // TLS
  std::string cafile, certfile, keyfile;
  bool insecure = false;
};

// A broker address after URL, flags and environment are combined.
using BrokerEndpoint = mqtt::BrokerEndpoint;

struct LogOptions {
  std::string format = "text";  // --log-format text|json
  std::string level = "info";   // --log-level error|warn|info|debug
  std::string metrics_file;     // --metrics-file: Prometheus text at exit
  std::string metrics_listen;   // --metrics-listen HOST:PORT: /metrics and /healthz over HTTP
};

void add_broker_options(CLI::App& app, BrokerOptions& options);
void add_log_options(CLI::App& app, LogOptions& options);
// --metrics-listen, for the tools that run as services (cli/metrics_server.hpp).
void add_metrics_listen_option(CLI::App& app, LogOptions& options);

// Combines --broker, -h, -p, -u, --password-file and IOT_PASSWORD.
Result<BrokerEndpoint> resolve_broker(const BrokerOptions& options);

// A client id unique to this process: "<tool>-<host>-<pid>-<random>".
std::string default_client_id(std::string_view tool);

// Reads a secret file: one trailing newline ignored; "base64:" or "hex:"
// prefixes hold a binary key in that encoding (iot-toolkit(7), SHARED OPTIONS).
Result<std::string> read_secret_file(const std::string& path);

}  // namespace iot::cli
