// iot-ingest's options (man page iot-ingest(1)), parsed once into typed values.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/resend_options.hpp"
#include "cli/typed_values.hpp"
#include "core/result.hpp"
#include "registry/route_engine.hpp"

namespace iot::ingest {

enum class DedupMode { off, memory, redis };

// Every option, typed as the command line is parsed (durations are
// cli::Duration), plus what resolve() derives from them before the run.
struct IngestOptions {
  std::vector<std::string> inputs;  // none: stdin ("-" after resolve())
  // --db, once or more (each its own sink; default sqlite:telemetry.db after resolve()).
  std::vector<std::string> db;
  std::string schema, table = "readings";
  std::string registry;
  std::string key_file;
  std::size_t batch_size = 5000;
  cli::Duration flush_interval{"1s"};
  std::string dedup = "memory";  // memory | off | redis://host:port
  std::size_t dedup_window = 1'000'000;
  std::size_t max_devices = 1'000'000;  // per-device seq state (iot-ingest(1), Resource use)
  cli::Duration dedup_ttl{"24h"};
  std::string to_stream;
  std::string notify;  // --notify redis://HOST[:PORT]/: channels and streams of the registry's routes
  std::uint64_t stream_maxlen = 1'000'000;
  std::string from, group = "iot-ingest", consumer;  // consumer: host-pid after resolve()
  cli::Duration claim_idle{"30s"};
  int max_deliveries = 5;
  std::string dlq_stream;
  std::string dlq;
  std::string ack_file;  // --ack-file: the journal position up to which everything is stored
  std::string spool;
  std::uint64_t spool_max_mb = 1024;
  cli::Duration retry_for{"60s"};
  cli::Duration drain_timeout{"30s"};
  std::optional<cli::Duration> retention;
  cli::ByteSize rotate_size{"64MiB"};  // bigquery-files: publish a load file at this size
  cli::Duration rotate_every{"5m"};    // ... or this age
  std::string token_file;              // influxdb2: the API token's file
  std::string token;                   // read from it by resolve(); never logged
  bool no_rollups = false;
  bool refresh_rollups = false;
  bool strict = false;
  bool create = false;                       // --create: a missing Pub/Sub topic
  std::optional<std::string> ordering_key;   // Pub/Sub ordering key template
  cli::Duration batch_delay{"10ms"};         // Pub/Sub: a partial batch waits at most this long
  std::optional<std::uint64_t> count;  // stop after N stream entries / lines
  std::optional<cli::Duration> idle;   // --from: stop after this long without entries
  std::string devices;                 // --devices: a CSV or NDJSON file, or table:NAME in --db
  cli::Duration devices_reload{"60s"};
  bool require_known = false;
  bool tag_sets = false;  // each distinct tags object stored once (iot-ingest(1), Tag sets)
  cli::ResendOptions resend;  // --resend, --resend-after, --resend-tries, --resend-topic
  cli::LogOptions log;

  // Filled by resolve(): routes, keys and table plans (--registry over
  // --key-file, --table, --retention and --no-rollups), read once.
  std::shared_ptr<const registry::RouteEngine> routes;

  DedupMode dedup_mode() const;
  std::uint64_t spool_max_bytes() const { return spool_max_mb << 20; }
};

void define_options(CLI::App& app, IngestOptions& options);

// Reads the registry and key file, fills the defaults that depend on the
// host, checks combinations. Fails with kind usage on a bad value.
Status resolve(IngestOptions& options);

}  // namespace iot::ingest
