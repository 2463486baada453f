// The three things iot-replay can play, behind one small interface: a
// recording (files, filtered, retimed, looped), a synthetic fleet (with
// injected faults) and stored readings read back from a database.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/metrics.hpp"
#include "core/result.hpp"
#include "iot-replay/options.hpp"

namespace iot::replay {

struct Item {
  std::string_view line;                // one NDJSON line, no newline; valid until next()
  std::optional<std::int64_t> time_ns;  // for pacing
};

class ItemSource {
 public:
  virtual ~ItemSource() = default;
  // The next item: true, false at the end, or an Error that ends the replay
  // (a database that went away). File faults are kept for finish().
  virtual Result<bool> next(Item& item) = 0;
  // Called once at the end: errors that happened on the way (exit 74), the
  // truth file, warnings.
  virtual Status finish() { return ok_status(); }
  // Where the source is, for the progress bar ("42%", "P-0007 seq 12").
  virtual std::optional<double> fraction_done() const { return std::nullopt; }
  // When a --loop pass starts again: how far the timeline moved.
  virtual std::int64_t timeline_shift_ns() const { return 0; }
  // The source's own counters for --metrics-file (lines skipped, filtered, ...).
  virtual void add_metrics(cli::Metrics&) const {}
};

Result<std::unique_ptr<ItemSource>> open_recording(const ReplayOptions& options);
Result<std::unique_ptr<ItemSource>> open_synthetic(const ReplayOptions& options);
Result<std::unique_ptr<ItemSource>> open_database(const ReplayOptions& options);

}  // namespace iot::replay
