#include "iot-ingest/stats.hpp"

#include <fmt/format.h>

#include "core/duration.hpp"

namespace iot::ingest {

std::string summary_text(const Stats& s, double seconds) {
  double rate = seconds > 0 ? static_cast<double>(s.rows_written) / seconds : 0;
  std::string text = fmt::format(
      "{} lines, {} messages, {} rows written ({:.0f} rows/s), {} duplicates dropped ({} by msg_id, {} by key), "
      "{} rejected, {} gaps ({} seqs missing), {} reordered, {} batches, {} spooled, {} sent from the spool",
      s.lines, s.messages, s.rows_written, rate, s.duplicates_msg_id + s.duplicates_key, s.duplicates_msg_id,
      s.duplicates_key, s.rejects, s.gap_events, s.missing, s.reordered, s.batches, s.spooled_batches,
      s.drained_batches);
  if (s.latency_count)
    text += fmt::format(", latency ts->commit mean {} max {}", format_duration(s.latency_sum_s / s.latency_count),
                        format_duration(s.latency_max_s));
  if (s.resend_on)
    text += fmt::format(", resend: {} requests, {} resent, {} healed, {} lost ({} gone), {} still asked for",
                        s.resend_requests, s.resent, s.healed, s.resend_lost, s.resend_gone, s.resend_open);
  if (s.waveforms) text += fmt::format(", {} waveforms", s.waveforms);
  if (s.enriching)
    text += fmt::format(", {} unknown_devices readings, {} device table reloads ({} failed)", s.unknown_devices,
                        s.devices_reloads, s.devices_failed_reloads);
  if (s.evicted_devices)
    text += fmt::format(", {} devices evicted past --max-devices ({} tracked)", s.evicted_devices, s.tracked_devices);
  if (s.precision_notes)
    text += fmt::format(", {} lines with integers rounded to a double (precision notes in the DLQ)", s.precision_notes);
  if (s.sinks.size() > 1)
    for (const auto& k : s.sinks)
      text += fmt::format("; {}: {} rows written, {} duplicates by key, {} batches, {} spooled, {} sent from the spool",
                          k.name, k.rows_written, k.duplicates_key, k.batches, k.spooled_batches, k.drained_batches);
  if (s.alarms)
    text += fmt::format(", {} alarms ({} new, {} already stored)", s.alarms, s.alarms_written, s.alarm_duplicates);
  if (s.records)
    text += fmt::format(", {} kind records ({} rows written, {} unchanged), {} notices sent", s.records,
                        s.records_written, s.record_unchanged, s.notices);
  return text;
}

void fill_metrics(const Stats& s, cli::Metrics& m) {
  auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  m.set("lines_total", d(s.lines), "Input lines or stream entries read");
  m.set("messages_total", d(s.messages), "Messages normalized");
  m.set("rows_written_total", d(s.rows_written), "Readings rows inserted");
  m.set("duplicates_dropped_total", d(s.duplicates_msg_id + s.duplicates_key), "Duplicate readings dropped");
  m.set("duplicates_msg_id_total", d(s.duplicates_msg_id), "Messages dropped as msg_id duplicates");
  m.set("rejects_total", d(s.rejects), "Lines or readings sent to the DLQ");
  m.set("gaps_total", d(s.gap_events), "Sequence gaps opened");
  m.set("missing_seqs", d(s.missing), "Seqs still missing");
  m.set("reordered_total", d(s.reordered), "Messages out of order");
  m.set("tracked_devices", d(s.tracked_devices), "Devices whose seq state is kept (at most --max-devices)");
  m.set("evicted_devices_total", d(s.evicted_devices), "Devices forgotten to stay under --max-devices");
  if (s.resend_on) {
    m.set("resend_requests_total", d(s.resend_requests), "Resend requests published (--resend)");
    m.set("resent_total", d(s.resent), "Missing seqs that arrived after a resend request");
    m.set("healed_total", d(s.healed), "Gaps filled after a resend request");
    m.set("resend_lost_total", d(s.resend_lost), "Gaps given up: lost for good");
    m.set("resend_gone_total", d(s.resend_gone), "Gaps given up because the publisher no longer held them");
  }
  m.set("batches_total", d(s.batches), "Batches committed");
  m.set("spooled_batches_total", d(s.spooled_batches), "Batches written to the spool");
  m.set("drained_batches_total", d(s.drained_batches), "Spooled batches sent");
  m.set("waveforms_total", d(s.waveforms), "Waveform records stored");
  if (s.enriching) {
    m.set("unknown_devices_total", d(s.unknown_devices), "Readings of devices the --devices table does not list");
    m.set("devices_reloads_total", d(s.devices_reloads), "Device table reloads");
    m.set("devices_failed_reloads_total", d(s.devices_failed_reloads), "Device table reloads that failed");
  }
  m.set("precision_total", d(s.precision_notes), "Lines stored with an integer beyond 64 bits rounded to a double");
  m.set("alarms_total", d(s.alarms), "Alarm lines read");
  m.set("alarms_written_total", d(s.alarms_written), "Alarm rows inserted");
  m.set("records_total", d(s.records), "Lines of the kinds state, metrics, event, lifecycle, log, job, job_request, action");
  m.set("records_written_total", d(s.records_written), "Rows of those kinds inserted or replaced by a newer message");
  m.set("notices_total", d(s.notices), "Redis PUBLISH and XADD sent by --notify");
  m.set("latency_seconds_sum", s.latency_sum_s, "End-to-end latency, message ts to commit, sum");
  m.set("latency_seconds_count", d(s.latency_count), "Messages with a measured latency");
  m.set("latency_seconds_max", s.latency_max_s, "Largest end-to-end latency");
}

}  // namespace iot::ingest
