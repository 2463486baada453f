// --deadband on one payload (iot-pub(1), DEADBAND): the readings of a nested
// payload (its "d") or a flat one (its metric keys) go through the deadband
// filter; those inside the band are left out of the JSON that is sent. Other
// shapes (signed, kpi, batch, anything else) pass as they are: a signed
// payload cannot change without breaking its signature.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>

#include "telemetry/deadband.hpp"

namespace iot::pub {

struct DeadbandOutcome {
  std::string json;         // the payload as sent (minified), without the suppressed readings
  bool filtered = false;     // a nested or flat payload: its readings went through the filter
  std::size_t readings = 0;  // readings the filter looked at
  std::size_t kept = 0;      // of those, sent
  // Every reading fell inside the band: nothing new to say (the caller drops
  // the message, or with --keep-seq sends it with an empty "d").
  bool all_suppressed() const { return readings > 0 && kept == 0; }
};

// drop_ids: msg_id and seq are left out, for iot-pub to assign its own after
// the filter (so a gap in seq downstream still means loss). now_ns is the
// reading time of a payload without a usable ts.
DeadbandOutcome apply_deadband(simdjson::dom::element payload, telemetry::DeadbandFilter& filter, bool drop_ids,
                               std::int64_t now_ns);

}  // namespace iot::pub
