// One envelope in, what iot-ingest stores out: the route its topic takes,
// the signature check, the normalizer and the row builder, in the order the
// contract gives them. Pure (no I/O), so that the tests and the fuzzer drive
// exactly what the tool runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "iot-ingest/router.hpp"
#include "iot-ingest/row_builder.hpp"
#include "stream/envelope.hpp"

namespace iot::ingest {

struct LineRows {
  const Route* route = nullptr;
  std::vector<BuiltMessage> messages;      // readings, when the line holds telemetry
  std::optional<store::WaveformRow> waveform;  // when it is a waveform's metadata line
};

// Errors carry the reject reason: no_route, decode (payload_b64 holds no
// readings), bad_signature, schema, waveform_incomplete.
// default_key: the --key-file key for routes without one of their own.
Result<LineRows> line_rows(const stream::EnvelopeView& env, const Router& router,
                           const std::optional<std::string>& default_key);

}  // namespace iot::ingest
