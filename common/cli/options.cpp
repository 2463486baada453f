#include "cli/options.hpp"

#include "codec/secret_text.hpp"
#include "core/port_number.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <optional>
#include <fstream>
#include <random>
#include <sstream>

#include "core/log.hpp"
#include "cli/run.hpp"
#include "codec/base64.hpp"
#include "core/exit_codes.hpp"

namespace iot::cli {

void add_broker_options(CLI::App& app, BrokerOptions& o) {
  const char* g = "Broker";
  app.add_option("--broker", o.url, "Broker URL: mqtt://[user@]host[:port], mqtts:// for TLS")->group(g);
  app.add_option("-h,--host", o.host, "Broker host (overrides the URL's host)")->group(g);
  app.add_option("-p,--port", o.port, "Broker port (default 1883, 8883 for mqtts)")
      ->check(CLI::Range(1, 65535))->group(g);
  app.add_option("-u,--user", o.user, "User name")->group(g);
  app.add_option("--password-file", o.password_file,
                 "File holding the password (or set IOT_PASSWORD)")->group(g);
  app.add_option("-i,--id", o.client_id, "Client id (default: unique per process)")->group(g);
  app.add_option("-k,--keepalive", o.keepalive, "Keep-alive interval, seconds")
      ->check(CLI::Range(0, 65535))->group(g);
  app.add_option("-V,--protocol", o.protocol, "MQTT protocol version: 5 or 311")
      ->check(CLI::IsMember({5, 311}))->group(g);
  app.add_option("-q,--qos", o.qos, "Quality of service: 0, 1 or 2")->check(CLI::Range(0, 2))->group(g);
  const char* t = "TLS";
  app.add_option("--cafile", o.cafile, "CA certificate file (PEM) to verify the broker")->group(t);
  app.add_option("--cert", o.certfile, "Client certificate file (PEM)")->group(t);
  app.add_option("--key", o.keyfile, "Client private key file (PEM)")->group(t);
  app.add_flag("--insecure", o.insecure, "Do not verify the broker's host name (TLS)")->group(t);
}

void add_log_options(CLI::App& app, LogOptions& o) {
  const char* g = "Logging";
  app.add_option("--log-format", o.format, "Diagnostics format on stderr: text or json")
      ->check(CLI::IsMember({"text", "json"}))->group(g);
  app.add_option("--log-level", o.level, "error, warn, info or debug")
      ->check(CLI::IsMember({"error", "warn", "info", "debug"}))->group(g);
  app.add_option("--metrics-file", o.metrics_file, "Write counters here at exit (Prometheus text)")->group(g);
  // Logging is configured as soon as the options are known, before the tool runs.
  app.parse_complete_callback([&o] { log::configure(tool_program_name(), o.format, o.level); });
}

void add_metrics_listen_option(CLI::App& app, LogOptions& o) {
  app.add_option("--metrics-listen", o.metrics_listen,
                 "Serve /metrics and /healthz over HTTP on HOST:PORT (port 0: any free port, logged)")
      ->group("Logging");
}

namespace {

// A host name or IPv4 address: letters, digits, '-', '.', '_'. Anything else
// ("mqtt//host" without its colon) is a typo, refused at once instead of
// being looked up for minutes.
bool plausible_host(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') return false;
  return true;
}

bool plausible_ipv6(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host)
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.' && c != '%') return false;
  return true;
}

}  // namespace

Result<BrokerEndpoint> resolve_broker(const BrokerOptions& o) {
  BrokerEndpoint ep;
  std::string_view url = o.url;
  auto bad_url = [&o](std::string_view why) {
    return make_error(ErrorKind::usage, "usage",
                      "bad broker URL \"" + o.url + "\": " + std::string(why) +
                          "; expected mqtt://[user@]host[:port] or mqtts://...");
  };
  if (!url.empty()) {
    bool scheme = true;
    if (url.starts_with("mqtt://")) url.remove_prefix(7);
    else if (url.starts_with("mqtts://")) { url.remove_prefix(8); ep.tls = true; ep.port = 8883; }
    else if (url.starts_with("tcp://")) url.remove_prefix(6);
    else if (url.find("://") != std::string_view::npos) return bad_url("the scheme is not mqtt:// or mqtts://");
    else scheme = false;  // a bare host[:port]
    if (auto slash = url.find('/'); slash != std::string_view::npos) {
      if (!scheme) return bad_url("a '/' but no scheme (is the colon of mqtt:// missing?)");
      url = url.substr(0, slash);  // a path means nothing to MQTT
    }
    if (auto at = url.rfind('@'); at != std::string_view::npos) {
      std::string_view cred = url.substr(0, at);
      url.remove_prefix(at + 1);
      if (auto colon = cred.find(':'); colon != std::string_view::npos) {
        ep.password = std::string(cred.substr(colon + 1));
        cred = cred.substr(0, colon);
      }
      ep.user = std::string(cred);
    }
    std::string_view host = url;
    std::string_view port_text;
    bool has_port = false;
    if (!host.empty() && host.front() == '[') {  // [::1]:1883
      auto close = host.find(']');
      if (close == std::string_view::npos) return bad_url("no ']' after an IPv6 address");
      std::string_view rest = host.substr(close + 1);
      host = host.substr(1, close - 1);
      if (!plausible_ipv6(host)) return bad_url("not an IPv6 address in [...]");
      if (!rest.empty()) {
        if (!rest.starts_with(":")) return bad_url("text after the IPv6 address");
        port_text = rest.substr(1);
        has_port = true;
      }
    } else {
      if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
        port_text = host.substr(colon + 1);
        host = host.substr(0, colon);
        has_port = true;
      }
      // mqtt://:1884 is the default host (localhost) on another port.
      if (!(scheme && host.empty()) && !plausible_host(host)) return bad_url(host.empty() ? "no host" : "not a host name");
    }
    if (has_port) {
      auto port = parse_port(port_text);
      if (!port) return bad_url("the port is not a number from 1 to 65535");
      ep.port = *port;
    }
    if (!host.empty()) ep.host = std::string(host);
  }
  if (!o.host.empty()) ep.host = o.host;
  if (o.port) ep.port = o.port;
  if (!o.user.empty()) ep.user = o.user;
  if (!o.password_file.empty()) {
    auto secret = read_secret_file(o.password_file);
    if (!secret) return secret.error();
    ep.password = *secret;
  } else if (const char* env = std::getenv("IOT_PASSWORD"); env && *env) {
    ep.password = std::string(env);
  }
  if (!o.cafile.empty() || !o.certfile.empty()) {
    if (!ep.tls && o.url.empty() && o.port == 0) ep.port = 8883;
    ep.tls = true;
  }
  return ep;
}

std::string default_client_id(std::string_view tool) {
  char host[64] = {0};
  gethostname(host, sizeof host - 1);
  std::random_device rd;
  std::ostringstream id;
  id << "iot-" << tool << '-' << host << '-' << getpid() << '-' << std::hex << (rd() & 0xffffff);
  std::string s = id.str();
  return s.size() > 64 ? s.substr(0, 64) : s;
}

Result<std::string> read_secret_file(const std::string& path) { return codec::read_secret_file(path); }

}  // namespace iot::cli
