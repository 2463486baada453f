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
#include "iot-ingest/route.hpp"
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

// Captures of the topic (envelope "fields") as strings.
std::map<std::string, std::string> field_strings(simdjson::dom::element fields);

// Errors: bad_input "schema" (a string with NUL, a non-finite value, no time).
Result<std::vector<BuiltMessage>> build_messages(const std::vector<telemetry::Message>& messages,
                                                 const std::map<std::string, std::string>& fields,
                                                 simdjson::dom::element payload, const Route& route);

// A metadata line of `iot-waveform assemble` (an object with "upload_id").
bool is_waveform_line(simdjson::dom::element payload);
// Errors: bad_input "schema"; "waveform_incomplete" for a status other than ok.
Result<store::WaveformRow> build_waveform(simdjson::dom::element payload);

}  // namespace iot::ingest
