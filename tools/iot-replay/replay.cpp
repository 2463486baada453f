#include "iot-replay/replay.hpp"

#include "core/log.hpp"
#include "cli/run.hpp"
#include "core/exit_codes.hpp"
#include "iot-replay/filters.hpp"
#include "iot-replay/options.hpp"
#include "iot-replay/player.hpp"
#include "iot-replay/sources.hpp"
#include "iot-replay/topic_rewriting.hpp"

namespace iot::replay {

int run(int argc, char** argv) {
  ReplayOptions options;
  return cli::run_tool(
      {"replay", "Play recordings and synthetic fleets as NDJSON at their original pace",
       "iot-replay capture.ndjson.lz4 --speed 10 | iot-pub --broker mqtt://staging\n"
       "iot-replay --synthetic devices=100,rate=1,duration=60 --inject dup=0.01 --truth t.json --fast | iot-verify\n"
       "iot-replay --from-db sqlite:telemetry.db --since 2026-03-19T10:00:00Z --fast"}, argc, argv,
      [&](CLI::App& app) { define_options(app, options); },
      [&] {
        if (Status st = validate_options(options); !st) cli::fail(st.error());
        auto source = options.fleet           ? open_synthetic(options)
                      : !options.from_db.empty() ? open_database(options)
                                                 : open_recording(options);
        if (!source) cli::fail(source.error());
        // Recordings filter as they read; the others are filtered here.
        if (options.fleet || !options.from_db.empty()) *source = filtered(std::move(*source), options);
        *source = rewritten(std::move(*source), options);  // after the filters: they see recorded topics
        return play(**source, options);
      });
}

}  // namespace iot::replay
