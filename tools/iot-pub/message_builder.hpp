// One input line -> one outbox entry: parses an envelope or a bare payload,
// builds the topic (envelope topic, else the -t template filled from the
// payload's fields, refusing values that would inject '/', '+', '#'),
// filters readings (--deadband), stamps (--stamp), signs (--key-file), encodes (--encode) and sets the v5
// content type to match. Pure apart from the clock and the seq source.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/payload.hpp"
#include "mqtt/properties.hpp"
#include "core/relaxed.hpp"
#include "core/result.hpp"
#include "spool/outbox.hpp"
#include "stream/envelope.hpp"
#include "telemetry/deadband.hpp"
#include "topic/pattern.hpp"
#include "topic/rewrite.hpp"
#include "ulid/ulid.hpp"

namespace iot::pub {

// A --registry route as iot-pub uses it: messages whose topic (before
// --topic-rewrite) matches the pattern use its deadband rules
// (iot-registry(5), deadband), then the command line's, and go at its QoS
// unless the envelope gives its own (iot-pub(1), QOS AND RETAIN).
struct PubRoute {
  topic::TopicPattern pattern;
  std::vector<telemetry::DeadbandRule> rules;
  int qos = 0;  // registry::Route::qos (its own, else its kind's)
};

struct BuildSettings {
  std::optional<topic::TopicTemplate> topic_template;
  topic::TopicRewriter rewriter;          // --topic-rewrite, --topic-prefix: applied to every topic
  std::optional<codec::Encoding> encode;  // nullopt: the envelope's enc, else json
  std::optional<std::string> key;         // HMAC key: sign
  bool stamp = false;
  // --deadband rules (empty: no filter) and --heartbeat (0: none). With rules,
  // msg_id and seq are assigned after the filter unless keep_seq.
  std::vector<telemetry::DeadbandRule> deadband;
  std::vector<PubRoute> routes;  // --registry: the first route that matches wins
  std::int64_t heartbeat_ns = 0;
  std::size_t max_devices = 1'000'000;  // --max-devices: the deadband state's cap too
  bool keep_seq = false;
  int qos = 1;            // -q: for messages that neither their envelope nor a route gives one
  bool retain = false;    // --retain: for messages whose envelope does not say
  bool v5 = true;  // content type property only under MQTT 5
};

// The content type iot-pub sets for an encoding ("application/json", ...).
std::string_view content_type_for(codec::Encoding enc);

class MessageBuilder {
 public:
  // next_seq(device_id) gives the device's next seq (the outbox keeps it).
  using SeqSource = std::function<Result<std::int64_t>(std::string_view device_id)>;
  MessageBuilder(BuildSettings settings, SeqSource next_seq);
  // Errors carry the reject reason: bad_json, schema, topic, too_large, encode, sign.
  // Nothing (and no error) when --deadband suppressed every reading of the message.
  Result<std::optional<spool::OutboxEntry>> build(std::string_view line);
  // Readings left out by --deadband, and messages not sent because of it.
  std::uint64_t suppressed_readings() const;
  std::uint64_t suppressed_messages() const { return suppressed_messages_; }
  // Devices whose deadband state was forgotten to stay under --max-devices.
  std::uint64_t evicted_devices() const;
  // A raw payload (--raw, -f, -s, -l): its bytes as they are, to the fixed
  // -t topic; no stamp, signature, encoding or content type.
  Result<spool::OutboxEntry> build_raw(std::string_view bytes);

 private:
  Result<std::string> topic_for(const stream::EnvelopeView& view, simdjson::dom::element payload);
  Result<std::string> rewritten(std::string topic) const;
  // full: every stamp member (--stamp), else msg_id and seq only; new_ids:
  // msg_id and seq even when the payload had them (--deadband took them out).
  Result<std::string> stamped(simdjson::dom::element payload, std::string json, bool full, bool new_ids);

  mqtt::PropertiesJsonCache props_text_;  // MQTT 5
  BuildSettings settings_;
  SeqSource next_seq_;
  stream::EnvelopeParser parser_;
  ulid::Generator ulids_;
  // The index of the first route the topic matches.
  std::optional<std::size_t> route_for(std::string_view topic) const;
  // The filter for a topic's route, else the command line's; null: none.
  telemetry::DeadbandFilter* filter_for(std::optional<std::size_t> route);
  // One per route (rules: the route's, then the command line's), and the
  // command line's own; each keeps its own state.
  std::vector<std::optional<telemetry::DeadbandFilter>> route_filters_;
  std::optional<telemetry::DeadbandFilter> filter_;
  Count suppressed_messages_ = 0;  // read by --metrics-listen (core/relaxed.hpp)
};

}  // namespace iot::pub
