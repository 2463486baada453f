// InfluxDB line protocol for readings (iot-ingest(1), "InfluxDB"): pure
// code, shared by the InfluxDB sink and the line-protocol file sink.
//
//   MEASUREMENT,device_id=D,quality=Q[,TAG=V...] METRIC=VALUE[,msg_id="M"][,seq=Ni] TIME_NS
//
// The route's table is the measurement; device_id, quality and the tags of
// the reading (readings.tags) are tags; the metric is the field key. Names
// are escaped as the protocol asks (tag keys and values: comma, '=' and
// space; measurement and field keys: those and '"', which InfluxDB
// unescapes there; string values: '"' and backslash). What the protocol
// cannot carry is refused with a reason: a newline anywhere, a backslash at
// the end of a name or before one of , = space " in it (InfluxDB would read
// it as an escape), an empty name, a NULL value (a field has no null).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "store/row.hpp"

namespace iot::store {

// Appends one point and its '\n' to out. On error out is unchanged and the
// error is bad_input "db_rejected" with the reason.
Status append_line(std::string& out, const ReadingRow& row, std::string_view measurement);

// append_line for a run of readings (a batch): the series key (measurement
// and tags) and the msg_id field of the last reading are kept and reused
// while the next reading has the same ones, as a message's readings do, so
// a batch escapes them once per message instead of once per reading. The
// bytes are those of append_line.
class LineEncoder {
 public:
  Status append(std::string& out, const ReadingRow& row, std::string_view measurement);

 private:
  bool series_valid_ = false;
  std::string series_measurement_, series_device_, series_tags_;
  int series_quality_ = 0;
  std::string series_;  // "MEASUREMENT,TAG=V,... " as written
  bool msg_valid_ = false;
  std::string msg_id_, msg_field_;  // ",msg_id=\"...\"" as written
  bool tail_valid_ = false, tail_seq_written_ = false;
  std::int64_t tail_seq_ = 0, tail_time_ns_ = 0;
  std::string tail_;  // "[,seq=Ni] TIME_NS\n" as written
};

// The escaping alone, for tests and the fuzzer: a measurement, or a tag key,
// tag value (`key`), a field key, or a string field value (without quotes).
Status append_measurement(std::string& out, std::string_view name);
Status append_key(std::string& out, std::string_view name, std::string_view what);
Status append_field_key(std::string& out, std::string_view name);
Status append_string_value(std::string& out, std::string_view value, std::string_view what);

}  // namespace iot::store
