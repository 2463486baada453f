// iot-ingest's counters: the summary on stderr and --metrics-file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/metrics.hpp"

namespace iot::ingest {

// One --db's share when there are several (the totals in Stats add them up).
struct SinkCounts {
  std::string name;
  std::uint64_t rows_written = 0, duplicates_key = 0;
  std::uint64_t batches = 0, spooled_batches = 0, drained_batches = 0;
};

struct Stats {
  std::uint64_t lines = 0, messages = 0, readings = 0;
  std::uint64_t rows_written = 0;
  std::uint64_t duplicates_msg_id = 0, duplicates_key = 0;
  std::uint64_t rejects = 0, waveforms = 0;
  std::uint64_t precision_notes = 0;  // lines stored with an integer beyond 64 bits rounded to a double
  std::uint64_t alarms = 0, alarms_written = 0, alarm_duplicates = 0;  // alarm lines read, rows new, already stored
  // Lines of the other kinds (iot-registry(5), KINDS); their rows written,
  // rows unchanged (a copy, or older than the stored row); Redis notices sent.
  std::uint64_t records = 0, records_written = 0, record_unchanged = 0, notices = 0;
  std::uint64_t gap_events = 0, missing = 0, reordered = 0;
  std::uint64_t tracked_devices = 0, evicted_devices = 0;  // --max-devices
  std::uint64_t batches = 0, spooled_batches = 0, drained_batches = 0;
  double latency_sum_s = 0, latency_max_s = 0;
  std::uint64_t latency_count = 0;
  std::uint64_t streamed = 0, acked = 0, dead_lettered = 0;
  bool enriching = false;             // --devices given
  std::uint64_t unknown_devices = 0;  // readings of devices the --devices table does not list
  std::uint64_t devices_reloads = 0, devices_failed_reloads = 0;
  // --resend (iot-toolkit(7), RESEND ON GAP)
  bool resend_on = false;
  std::uint64_t resend_requests = 0, resent = 0, healed = 0, resend_lost = 0, resend_gone = 0, resend_open = 0;
  std::vector<SinkCounts> sinks;  // one per --db, in order
};

std::string summary_text(const Stats& stats, double seconds);
void fill_metrics(const Stats& stats, cli::Metrics& metrics);

}  // namespace iot::ingest
