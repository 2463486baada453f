#include "waveform/waveform.hpp"

#include "cli/log.hpp"
#include "cli/options.hpp"
#include "cli/run.hpp"
#include "core/exit_codes.hpp"

namespace iot::waveform {

int run(int argc, char** argv) {
  cli::LogOptions log_options;
  return cli::run_tool(
      {"waveform", "Send, reassemble, verify and analyse vibration waveforms over MQTT"}, argc, argv,
      [&](CLI::App& app) {
        cli::add_log_options(app, log_options);
      },
      [&] {
        log::error("not built yet: this release has only the options; see the open issue for iot-waveform");
        return exit_code::usage;
      });
}

}  // namespace iot::waveform
