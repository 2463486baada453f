#include "sub/sub.hpp"

#include "cli/log.hpp"
#include "cli/options.hpp"
#include "cli/run.hpp"
#include "core/exit_codes.hpp"

namespace iot::sub {

int run(int argc, char** argv) {
  cli::BrokerOptions broker;
  cli::LogOptions log_options;
  return cli::run_tool(
      {"sub", "Subscribe to MQTT topics and write NDJSON envelopes to stdout"}, argc, argv,
      [&](CLI::App& app) {
        cli::add_broker_options(app, broker);
        cli::add_log_options(app, log_options);
      },
      [&] {
        log::error("not built yet: this release has only the options; see the open issue for iot-sub");
        return exit_code::usage;
      });
}

}  // namespace iot::sub
