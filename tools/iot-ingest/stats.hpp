// iot-ingest's counters: the summary on stderr and --metrics-file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/metrics.hpp"
#include "core/relaxed.hpp"

namespace iot::ingest {

// One --db's share when there are several (the totals in Stats add them up).
struct SinkCounts {
  std::string name;
  std::uint64_t rows_written = 0, duplicates_key = 0;
  std::uint64_t batches = 0, spooled_batches = 0, drained_batches = 0;
};

// Counted by the ingesting thread, read by --metrics-listen's thread too
// (core/relaxed.hpp).
struct Stats {
  Count lines = 0, messages = 0, readings = 0;
  Count rows_written = 0;
  Count duplicates_msg_id = 0, duplicates_key = 0;
  Count rejects = 0, waveforms = 0;
  Count precision_notes = 0;  // lines stored with an integer beyond 64 bits rounded to a double
  Count alarms = 0, alarms_written = 0, alarm_duplicates = 0;  // alarm lines read, rows new, already stored
  // Lines of the other kinds (iot-registry(5), KINDS); their rows written,
  // rows unchanged (a copy, or older than the stored row); Redis notices sent.
  Count records = 0, records_written = 0, record_unchanged = 0, notices = 0;
  Count gap_events = 0, missing = 0, reordered = 0;
  Count tracked_devices = 0, evicted_devices = 0;  // --max-devices
  Count batches = 0, spooled_batches = 0, drained_batches = 0;
  Relaxed<double> latency_sum_s = 0, latency_max_s = 0;
  Count latency_count = 0;
  Count streamed = 0, acked = 0, dead_lettered = 0;
  Relaxed<bool> enriching = false;  // --devices given
  Count unknown_devices = 0;  // readings of devices the --devices table does not list
  Count devices_reloads = 0, devices_failed_reloads = 0;
  // --resend (iot-toolkit(7), RESEND ON GAP)
  Relaxed<bool> resend_on = false;
  Count resend_requests = 0, resent = 0, healed = 0, resend_lost = 0, resend_gone = 0, resend_open = 0;
  std::vector<SinkCounts> sinks;  // one per --db, in order
};

std::string summary_text(const Stats& stats, double seconds);
void fill_metrics(const Stats& stats, cli::Metrics& metrics);

}  // namespace iot::ingest
