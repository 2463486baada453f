// One received message -> one output line: the envelope of iot-stream(5)
// (payload decoded zlib -> MessagePack -> JSON, else payload_b64, byte-exact;
// enc, qos, retain, rx_ts, fields from --pattern, props), or with
// --payload-only just the payload. One rendering path (stream::render_envelope).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "codec/payload.hpp"
#include "mqtt/session.hpp"
#include "iot-sub/key_dict.hpp"
#include "topic/pattern.hpp"

namespace iot::sub {

struct RenderSettings {
  bool raw = false;           // never decode: payload_b64 always
  bool payload_only = false;  // the payload alone ({"payload_b64": ...} when binary)
  std::optional<topic::TopicPattern> pattern;
  std::optional<KeyDictionary> dict;
  codec::DecodeLimits limits;
};

class MessageRenderer {
 public:
  explicit MessageRenderer(RenderSettings settings) : settings_(std::move(settings)) {}
  // rx_ts: receive time, ns since the epoch; jpos: the journal position
  // (--journal), written into envelopes only. Never fails: what cannot be
  // decoded is written as payload_b64 (a note is logged at debug level).
  std::string render(const mqtt::IncomingMessage& message, std::int64_t rx_ts,
                     std::optional<std::uint64_t> jpos = std::nullopt) const;
  const RenderSettings& settings() const { return settings_; }

 private:
  RenderSettings settings_;
  // Written from the const render(): a cache of text already made, not state
  // a caller could see (one renderer serves one session thread).
  mutable mqtt::PropertiesJsonCache props_text_;
};

}  // namespace iot::sub
