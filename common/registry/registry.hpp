// The TOML registry (man page iot-registry(5)): an ordered list of routes
// from topic patterns to how a message is read (shape, device and metric
// templates, key map, HMAC key) and stored (table, tags, retention,
// rollups), parsed once into typed values. Which route a message takes, and
// what it reads as there, is route_engine.hpp's job.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "registry/route_kind.hpp"
#include "registry/table_plan.hpp"
#include "telemetry/deadband.hpp"
#include "telemetry/normalize.hpp"
#include "topic/pattern.hpp"

namespace iot::registry {

inline constexpr std::string_view default_table = "readings";

struct Route {
  std::size_t index = 0;                                   // 1-based position in the file; 0: the default route
  topic::TopicPattern pattern;
  telemetry::Shape shape = telemetry::Shape::automatic;
  std::string device_template;                             // empty: the shape's own device id
  std::string metric_template;                             // empty: the shape's own metric names
  std::string table;                                       // [a-z_][a-z0-9_]{0,62}; empty: the tool's default table
  std::optional<std::string> ordering_key;                 // Pub/Sub ordering key template; "": none
  std::optional<std::string> resend_topic;                 // where resend requests go (iot-toolkit(7)); none: --resend-topic
  std::string key_file;                                    // as written (relative to the registry's folder)
  std::optional<std::string> key;                          // the key's bytes: signatures required
  std::optional<std::chrono::seconds> retention;           // of raw rows
  std::map<std::string, std::string> tags;                 // name -> template
  std::map<std::string, std::string> keymap;               // flat short key -> metric
  std::optional<Rollup> rollup;
  // iot-pub's deadband for messages on this route (iot-registry(5), deadband):
  // tried before the command line's --deadband rules.
  std::vector<telemetry::DeadbandRule> deadband;
  RouteKind kind = RouteKind::readings;                    // what every payload on the route must be
  int qos = 0;                                             // MQTT QoS: `qos`, else default_qos(kind)
  // Redis (iot-ingest --notify): state and metrics are PUBLISHed on
  // `channel`, log lines XADDed to `stream` (MAXLEN ~ max_len); templates
  // as device and tags, "{{" and "}}" literal braces. Empty: none.
  std::string channel, stream;
  std::optional<std::uint64_t> max_len;
  bool store = false;                                      // metrics: also readings rows; log with a stream: also the logs table

  bool is_catch_all() const { return pattern.text() == "#"; }
};

struct ParseOptions {
  std::string source = "<registry>";  // named in every error
  std::filesystem::path base_dir;     // key_file paths are relative to it
  bool load_keys = true;              // false: keep key_file unread (fuzzing, linting)
};

class Registry {
 public:
  // Errors are reason "usage" and name the file, the route ("route 3") and the key.
  static Result<Registry> load(const std::filesystem::path& path);
  static Result<Registry> parse(std::string_view toml_text, const ParseOptions& options = {});

  const std::vector<Route>& routes() const { return routes_; }
  const std::string& source() const { return source_; }

 private:
  std::vector<Route> routes_;
  std::string source_;
};

// Table names that SQL can take unquoted: [a-z_][a-z0-9_]*, 1..63 bytes.
bool is_table_name(std::string_view name);

// A key file (iot-registry(5), key_file): the secret itself, one trailing newline ignored
// ("\n" or "\r\n"); "base64:" or "hex:" prefixes hold a binary key. Reason
// "usage" (missing file, empty key, bad encoding). Same rules as
// cli::read_secret_file, kept here because registry must not link cli.
Result<std::string> read_key_file(const std::filesystem::path& path);
Result<std::string> decode_key_text(std::string text, std::string_view source);

}  // namespace iot::registry
