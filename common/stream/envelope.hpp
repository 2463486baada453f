// The stream's unit (design §1, iot-stream(5)): one JSON object a line, the
// envelope {topic, payload | payload_b64, enc, qos, retain, rx_ts, fields,
// props}, or a bare payload object (no "topic"). Parsing is simdjson DOM (the
// hot path); a view is valid until the parser parses the next line.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::stream {

struct EnvelopeView {
  bool bare = false;                          // the line is the payload itself
  std::optional<std::string_view> topic;      // absent for a bare payload
  simdjson::dom::element payload;             // valid when has_payload
  bool has_payload = false;
  std::optional<std::string_view> payload_b64;  // raw bytes, base64 (still encoded)
  std::optional<std::string_view> enc;
  int qos = -1;                               // -1: not given
  std::optional<bool> retain;
  std::optional<std::int64_t> rx_ts;          // ns since the epoch
  simdjson::dom::element fields;              // object or null-typed default
  simdjson::dom::element props;
  simdjson::dom::object root;                 // the whole line, for fields we do not know
};

class EnvelopeParser {
 public:
  // Fails with reason "bad_json" (not JSON, or not an object), "schema"
  // (a known field of the wrong type, or both/neither payload forms), "too_large".
  Result<EnvelopeView> parse(std::string_view line);

 private:
  simdjson::dom::parser parser_;
  simdjson::padded_string buffer_;
};

// What a tool writes: rendered by render_envelope into one line (no newline).
struct EnvelopeOut {
  std::string_view topic;
  std::optional<std::string_view> payload_json;   // one-line JSON text, written as is
  std::optional<std::string_view> payload_bytes;  // raw bytes, written as payload_b64
  std::string_view enc;                           // empty: omitted
  int qos = -1;                                   // -1: omitted
  std::optional<bool> retain;
  std::optional<std::int64_t> rx_ts;
  std::optional<std::string_view> fields_json;    // one-line JSON object text
  std::optional<std::string_view> props_json;
  std::optional<std::string_view> extra_json;     // more members: "\"a\":1,\"b\":2" (no braces)
};
std::string render_envelope(const EnvelopeOut& out);

}  // namespace iot::stream
