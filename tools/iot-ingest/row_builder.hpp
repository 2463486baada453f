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
#include "devices/device_table.hpp"
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
  std::string resend_topic;  // --resend: where requests for this device's gaps go
};

// --devices (iot-ingest(1), ENRICHMENT): the table in use and what to do
// with a reading of a device it does not list.
struct Enrichment {
  const devices::DeviceTable* table = nullptr;  // nullptr: no --devices
  bool require_known = false;
  std::uint64_t* unknown_readings = nullptr;  // counts readings of unlisted devices
};

// Errors: bad_input "schema" (a string with NUL, a non-finite value, no
// time); "unknown_device" under Enrichment::require_known.
Result<std::vector<BuiltMessage>> build_messages(const std::vector<telemetry::Message>& messages,
                                                 const registry::RouteMatch& match,
                                                 const std::map<std::string, std::string>& tags_of_route,
                                                 const Enrichment& enrichment = {});

// A metadata line of `iot-waveform assemble` (an object with "upload_id").
bool is_waveform_line(simdjson::dom::element payload);
// Errors: bad_input "schema"; "waveform_incomplete" for a status other than ok.
Result<store::WaveformRow> build_waveform(simdjson::dom::element payload);

}  // namespace iot::ingest
