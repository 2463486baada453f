#include "iot-sub/renderer.hpp"

#include "core/log.hpp"
#include "codec/base64.hpp"
#include "codec/json_text.hpp"
#include "mqtt/properties.hpp"
#include "stream/envelope.hpp"

namespace iot::sub {
namespace {

struct TopicFields {
  std::string fields_json;
  std::string extra_json;  // "field_errors":[...]
};

std::optional<TopicFields> topic_fields(const topic::TopicPattern& pattern, std::string_view topic) {
  auto match = pattern.match(topic);
  if (!match) return std::nullopt;
  TopicFields out;
  out.fields_json = "{";
  for (const auto& [name, value] : match->fields) {
    if (out.fields_json.size() > 1) out.fields_json += ',';
    (void)codec::append_json_string(out.fields_json, name);
    out.fields_json += ':';
    if (!codec::append_json_string(out.fields_json, value).ok()) out.fields_json += "null";
  }
  out.fields_json += '}';
  if (!match->field_errors.empty()) {
    out.extra_json = "\"field_errors\":[";
    for (std::size_t i = 0; i < match->field_errors.size(); ++i) {
      if (i) out.extra_json += ',';
      (void)codec::append_json_string(out.extra_json, match->field_errors[i]);
    }
    out.extra_json += ']';
  }
  return out;
}

}  // namespace

std::string MessageRenderer::render(const mqtt::IncomingMessage& m, std::int64_t rx_ts,
                                    std::optional<std::uint64_t> jpos) const {
  codec::DecodedPayload decoded;
  if (!settings_.raw) decoded = codec::decode_payload(m.payload, settings_.limits);
  if (!decoded.note.empty()) log::debug("{}: payload kept as bytes: {}", m.topic, decoded.note);
  bool binary = decoded.enc == codec::Encoding::binary;
  if (!binary && settings_.dict) {
    auto expanded = settings_.dict->expand(decoded.json);
    if (expanded) decoded.json = std::move(*expanded);
  }
  if (settings_.payload_only) {
    if (!binary) return decoded.json;
    std::string out = "{\"payload_b64\":\"" + codec::base64_encode(m.payload) + "\"}";
    return out;
  }
  stream::EnvelopeOut out;
  out.topic = m.topic;
  if (binary) out.payload_bytes = m.payload;
  else out.payload_json = decoded.json;
  out.enc = codec::encoding_name(decoded.enc);
  out.qos = m.qos;
  out.retain = m.retain;
  out.rx_ts = rx_ts;
  std::optional<TopicFields> fields;
  if (settings_.pattern) fields = topic_fields(*settings_.pattern, m.topic);
  if (fields) {
    out.fields_json = fields->fields_json;
    if (!fields->extra_json.empty()) out.extra_json = fields->extra_json;
  }
  const std::string& props = props_text_.text(m.props);
  if (!props.empty()) out.props_json = props;
  out.jpos = jpos;
  return stream::render_envelope(out);
}

}  // namespace iot::sub
