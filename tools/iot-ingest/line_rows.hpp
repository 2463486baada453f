// One envelope in, what iot-ingest stores out: the route engine's steps
// (route, signature, normalizer, tags: registry/route_engine.hpp) and then
// the row builder. Pure (no I/O), so that the tests and the fuzzer drive
// exactly what the tool runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "iot-ingest/record_builder.hpp"
#include "iot-ingest/row_builder.hpp"
#include "registry/route_engine.hpp"
#include "stream/envelope.hpp"

namespace iot::ingest {

struct LineRows {
  registry::RouteMatch match;                  // the route taken and the values its templates read
  std::vector<BuiltMessage> messages;          // readings, when the line holds telemetry
  std::optional<store::WaveformRow> waveform;  // when it is a waveform's metadata line
  std::optional<store::AlarmRow> alarm;        // when it is an alarm (iot-stream(5), ALARMS)
  std::optional<KindOutput> kind;              // a route of another kind (iot-registry(5), KINDS)
};

// Errors carry the reject reason: no_route, decode (payload_b64 holds no
// readings), bad_signature, schema (also an alarm missing a field),
// waveform_incomplete, unknown_device. now_ns: the time of a record whose
// message carries none and has no rx_ts.
Result<LineRows> line_rows(const stream::EnvelopeView& env, const registry::RouteEngine& routes,
                           const Enrichment& enrichment = {}, std::int64_t now_ns = 0);

}  // namespace iot::ingest
