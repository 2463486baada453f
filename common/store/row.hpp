// What the sinks store (iot-ingest(1), Tables): one row of `readings`, one gap event,
// one waveform record. Built by iot-ingest from normalized messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/shared_text.hpp"
#include "store/alarm_row.hpp"
#include "store/record_table.hpp"

namespace iot::store {

struct ReadingRow {
  std::string table;  // a registry route's table; empty: the sink's default
  std::int64_t time_ns = 0;
  std::string device_id;
  std::string metric;
  std::optional<double> value;   // NULL when the payload said null
  int quality = 192;
  std::string tenant, protocol, unit, msg_id;  // empty: NULL
  std::optional<std::int64_t> seq;
  SharedText tags_json;    // one-line JSON object, empty: NULL; shared by the rows that have the same
  std::string extra_json;  // one-line JSON object, empty: NULL
  std::string ordering_key;  // Pub/Sub's ordering key (iot-ingest(1), Pub/Sub); empty: none
};

// A gap event for the gaps table (iot-ingest(1), Tables: gaps): rows hold the seqs
// still missing, inclusive. A gap opened inserts its range; a late message
// that narrows or splits it replaces the open rows inside the original range
// with `remaining`; one that fills it keeps the original row with filled_at.
struct GapRow {
  std::string device_id;
  std::int64_t from_seq = 0;  // the range as opened (first missing)
  std::int64_t to_seq = 0;    // last missing, inclusive
  std::int64_t detected_ns = 0;
  bool replace = false;       // narrowed/split/filled: rewrite the open rows
  std::vector<std::pair<std::int64_t, std::int64_t>> remaining;  // when replace
  std::optional<std::int64_t> filled_ns;  // when the whole range was filled
};

struct WaveformRow {
  std::string upload_id, device_id;
  std::int64_t time_ns = 0;
  std::optional<double> sample_rate_hz;
  std::optional<std::int64_t> sample_count;
  std::string format, sha256, blob;
  std::optional<double> rms, peak, crest;
  std::string dominant_hz_json;  // JSON array text, empty: NULL
};

// One unit of work: committed in one transaction, spooled as one file.
struct Batch {
  std::vector<ReadingRow> readings;
  std::vector<GapRow> gaps;
  std::vector<WaveformRow> waveforms;
  // Alarms and the other kinds' records: only for sinks whose holds_records() is true.
  std::vector<AlarmRow> alarms;
  std::vector<RecordRow> records;
  bool empty() const { return size() == 0; }
  std::size_t size() const { return readings.size() + gaps.size() + waveforms.size() + alarms.size() + records.size(); }
  void clear() { readings.clear(); gaps.clear(); waveforms.clear(); alarms.clear(); records.clear(); }
};

struct WriteStats {
  std::uint64_t inserted = 0;    // new readings rows
  std::uint64_t duplicates = 0;  // readings already there (primary key)
  std::uint64_t alarms = 0, alarm_duplicates = 0;  // alarm rows new / already there (msg_id)
  std::uint64_t records = 0, record_unchanged = 0;  // record rows written / copies or older (record_sql.hpp)
};

}  // namespace iot::store
