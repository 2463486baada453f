// iot-sub's options: one struct, one definition (documented in iot-sub(1)).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/typed_values.hpp"

namespace iot::sub {

struct SubOptions {
  cli::BrokerOptions broker;
  cli::LogOptions log;
  std::vector<std::string> filters;  // -t, repeatable
  std::string registry;              // --registry FILE: every route's filter at the route's QoS
  std::string share;                 // --share GROUP
  std::string session;               // --session NAME
  cli::Duration session_expiry{"7d"};
  std::uint64_t count = 0;           // --count N (0: no limit)
  std::optional<cli::Duration> idle;
  std::optional<cli::Duration> timeout;  // -W
  bool retained_only = false;
  bool no_retained = false;
  std::string pattern;               // --pattern
  std::string dict_file;             // --dict
  bool payload_only = false;
  bool raw = false;
  std::string journal;               // --journal FILE
  std::string ack_file;              // --ack-file FILE (with --journal)
  bool pretty = false;               // -v, --pretty: human output even to a pipe
  bool ndjson = false;               // --ndjson: NDJSON even to a terminal
  std::string format;                // -F FORMAT
  std::string color = "auto";        // --color auto|always|never
  int retries = 10;
  cli::Duration connect_timeout{"10s"};
};

void define_options(CLI::App& app, SubOptions& options);

}  // namespace iot::sub
