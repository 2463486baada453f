#include "iot-waveform/waveform.hpp"

#include "cli/run.hpp"
#include "core/exit_codes.hpp"
#include "iot-waveform/commands.hpp"
#include "iot-waveform/options.hpp"

namespace iot::waveform {

int run(int argc, char** argv) {
  WaveformOptions options;
  return cli::run_tool(
      {"waveform", "Send, reassemble, verify and analyse vibration waveforms over MQTT",
       "iot-waveform send vib.f32 --rate 10000 --device P-007 | iot-pub --broker mqtt://localhost\n"
       "iot-sub -t '+/waveform/#' --raw | iot-waveform assemble --store blobs/ --analyze\n"
       "iot-waveform analyze blobs/ab/abcd.lz4 --plot spectrum.svg"}, argc, argv,
      [&](CLI::App& app) { define_options(app, options); },
      [&] {
        if (options.send_cmd->parsed()) return run_send(options.send);
        if (options.assemble_cmd->parsed()) return run_assemble(options.assemble, options.log);
        if (options.analyze_cmd->parsed()) return run_analyze(options.analyze);
        if (options.synth_cmd->parsed()) return run_synth(options.synth);
        return exit_code::usage;
      });
}

}  // namespace iot::waveform
