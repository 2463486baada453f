// iot-ingest's options (man page iot-ingest(1)) and what they resolve to.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "core/result.hpp"
#include "registry/route_engine.hpp"

namespace iot::ingest {

struct IngestOptions {
  std::vector<std::string> inputs;
  std::string db = "sqlite:telemetry.db";
  std::string schema, table = "readings";
  std::string registry;
  std::string key_file;
  std::size_t batch_size = 5000;
  std::string flush_interval = "1s";
  std::string dedup = "memory";
  std::size_t dedup_window = 1'000'000;
  std::string dedup_ttl = "24h";
  std::string to_stream;
  std::uint64_t stream_maxlen = 1'000'000;
  std::string from, group = "iot-ingest", consumer;
  std::string claim_idle = "30s";
  int max_deliveries = 5;
  std::string dlq_stream;
  std::string dlq;
  std::string spool;
  std::uint64_t spool_max_mb = 1024;
  std::string retry_for = "60s";
  std::string drain_timeout = "30s";
  std::string retention;
  bool no_rollups = false;
  bool refresh_rollups = false;
  bool strict = false;
  std::optional<std::uint64_t> count;
  std::string idle;
  cli::LogOptions log;
};

void define_options(CLI::App& app, IngestOptions& options);

enum class DedupMode { off, memory, redis };

struct Settings {
  std::vector<std::string> inputs;
  std::string db, schema, table;
  // Routes, keys and table plans: --registry over --key-file, --table,
  // --retention and --no-rollups, read once here.
  std::shared_ptr<const registry::RouteEngine> routes;
  std::size_t batch_size = 5000;
  std::chrono::nanoseconds flush_interval{};
  DedupMode dedup = DedupMode::memory;
  std::string dedup_url;
  std::size_t dedup_window = 1'000'000;
  std::int64_t dedup_ttl_s = 86400;
  std::string to_stream;
  std::uint64_t stream_maxlen = 0;
  std::string from, group, consumer;
  std::chrono::milliseconds claim_idle{};
  int max_deliveries = 5;
  std::string dlq_stream, dlq, spool;
  std::uint64_t spool_max_bytes = 0;
  std::chrono::milliseconds retry_for{}, drain_timeout{};
  bool refresh_rollups = false;
  bool strict = false;
  std::optional<std::uint64_t> count;  // stop after N stream entries / lines
  std::optional<std::chrono::milliseconds> idle;  // --from: stop after this long without entries
  std::string metrics_file;
};

// Fails with kind usage on a bad value.
Result<Settings> resolve(const IngestOptions& options);

}  // namespace iot::ingest
