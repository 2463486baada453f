// iot-replay's options: one struct, one definition, one validation.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/typed_values.hpp"
#include "core/result.hpp"
#include "replay/fleet_spec.hpp"
#include "replay/pacer.hpp"
#include "topic/rewrite.hpp"

namespace iot::replay {

struct ReplayOptions {
  std::vector<std::string> files;  // recordings; none (and no other source): stdin
  // pacing
  double speed = 1.0;
  cli::Rate rate;  // 0: by the recorded timestamps
  bool fast = false;
  int loop = 1;  // passes over the recordings; 0: until interrupted
  bool retime = false;
  bool new_ids = false;
  // filters
  std::optional<cli::TimePoint> since, until;
  std::vector<std::string> devices;
  std::vector<std::string> topic_filters;
  // synthetic fleet
  std::string synthetic_text, inject_text, truth_file, key_file;
  std::string topic_template = "plant/{device_id}/telemetry";
  // topic rewriting (every source)
  std::string topic_prefix;
  std::vector<std::string> topic_rewrites;
  // stored readings
  std::string from_db, table = "readings";
  std::string schema;  // --from-db postgresql: the schema iot-ingest --schema wrote to
  std::vector<std::string> metrics;
  bool no_progress = false;
  cli::LogOptions log;

  // Filled by validate():
  std::optional<FleetSpec> fleet;
  std::optional<InjectSpec> inject;
  std::string key;
  std::optional<topic::TopicRewriter> rewriter;
};

void define_options(CLI::App& app, ReplayOptions& options);
// Checks combinations, parses specs and times, reads the key file.
Status validate_options(ReplayOptions& options);
PaceOptions pace_options(const ReplayOptions& options);

}  // namespace iot::replay
