// The stream's unit (iot-stream(5)): one JSON object a line, the
// envelope {topic, payload | payload_b64, enc, qos, retain, rx_ts, fields,
// props, jpos}, or a bare payload object (no "topic"). Parsing is simdjson DOM (the
// hot path); a view is valid until the parser parses the next line.
//
// A line is an envelope iff it is an object holding a "topic" key and a
// "payload" or "payload_b64" key; any other object is a bare payload
// (bare = true, payload = the whole object, nothing else validated), so
// the signed shape {"hmac", "payload"} is a bare payload.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/wide_integers.hpp"
#include "core/limits.hpp"
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
  std::optional<std::uint64_t> jpos;          // iot-sub's journal position (iot-stream(5))
  simdjson::dom::object root;                 // the whole line, for fields we do not know
  // Integers beyond 64 bits (iot-stream(5), NUMBERS): empty on the fast path.
  // When not, the DOM holds each as its nearest double and exact_payload is
  // the payload's text with every digit as written (minified), for canonical
  // JSON and for passing the payload on unchanged.
  const std::vector<codec::WideInteger>* wide_integers = nullptr;
  std::optional<std::string_view> exact_payload;
  bool has_wide_integers() const { return wide_integers && !wide_integers->empty(); }
  // The line as parsed; empty after the wide-integer fallback.
  std::string_view text;
};

// The text of the payload object from its first byte to the line's end (its
// value and whatever follows it), for checking a signature straight from the
// text (registry::check_signature); empty when not known (no JSON payload,
// the wide-integer fallback, an escaped key before "payload").
std::string_view payload_text(const EnvelopeView& view);

// The five wire encodings of "enc".
bool is_known_encoding(std::string_view enc);

class EnvelopeParser {
 public:
  // Lines over max_line bytes or nested deeper than max_depth are "too_large".
  explicit EnvelopeParser(std::size_t max_line = limits::max_line_bytes,
                          std::size_t max_depth = limits::max_json_depth);
  // Integers beyond 64 bits are accepted: simdjson refuses them with a number
  // error, and only then the line is read again through
  // codec::rewrite_wide_integers (the view says so: wide_integers).
  // Fails with reason "bad_json" (not JSON, not UTF-8, or not an object),
  // "schema" (a known envelope field of the wrong type or repeated, both
  // payload forms, payload_b64 not canonical padded base64, enc not one of
  // the five, qos not 0..2), "too_large". Error kind bad_input or too_large.
  Result<EnvelopeView> parse(std::string_view line);

 private:
  Result<EnvelopeView> read_envelope(simdjson::dom::element doc, simdjson::dom::object root);
  Result<EnvelopeView> parse_wide(std::string_view line);

  std::size_t max_line_;
  std::size_t max_depth_;
  simdjson::dom::parser parser_;
  std::vector<char> buffer_;  // the line plus simdjson's padding, reused
  simdjson::dom::parser null_parser_;
  simdjson::dom::element null_;  // the default of fields/props
  codec::WideIntegerText wide_;  // the last line that needed the fallback (views point into it)
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
  std::optional<std::uint64_t> jpos;              // the journal position, written last
};
// Fields in this order: topic, payload | payload_b64, enc, qos, retain,
// rx_ts, fields, props, extra, jpos (last, so a journal finds it at the
// line's end). JSON texts are trusted to be one line of valid
// JSON (minify them first); a topic that is not UTF-8 gets U+FFFD.
std::string render_envelope(const EnvelopeOut& out);

}  // namespace iot::stream
