// Turns one parsed line into what iot-ingest stores: normalized messages
// into readings rows (with tenant/protocol from the topic's captures and the
// route's tags), a waveform metadata line into a waveforms row. Pure: no
// I/O, so that the tests can drive it line by line.
#pragma once

#include <simdjson.h>

#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "registry/route_engine.hpp"
#include "store/row.hpp"
#include "telemetry/reading.hpp"

namespace iot::ingest {

// One message ready for a batch: its rows and what dedup and gap checks need.
struct BuiltMessage {
  std::string device_id, msg_id;
  std::optional<std::int64_t> seq;
  std::int64_t time_ns = 0;
  std::vector<store::ReadingRow> rows;
};

// Errors: bad_input "schema" (a string with NUL, a non-finite value, no time).
Result<std::vector<BuiltMessage>> build_messages(const std::vector<telemetry::Message>& messages,
                                                 const registry::RouteMatch& match,
                                                 const std::map<std::string, std::string>& tags_of_route);

// A metadata line of `iot-waveform assemble` (an object with "upload_id").
bool is_waveform_line(simdjson::dom::element payload);
// Errors: bad_input "schema"; "waveform_incomplete" for a status other than ok.
Result<store::WaveformRow> build_waveform(simdjson::dom::element payload);

}  // namespace iot::ingest
