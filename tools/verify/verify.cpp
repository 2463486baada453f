#include "verify/verify.hpp"

#include "cli/log.hpp"
#include "cli/options.hpp"
#include "cli/run.hpp"
#include "core/exit_codes.hpp"

namespace iot::verify {

int run(int argc, char** argv) {
  cli::LogOptions log_options;
  return cli::run_tool(
      {"verify", "Check a telemetry stream: signatures, schema, duplicates, gaps, timestamps"}, argc, argv,
      [&](CLI::App& app) { cli::add_log_options(app, log_options); },
      [&] {
        log::error("not built yet");
        return exit_code::usage;
      });
}

}  // namespace iot::verify
