#include "iot-pub/message_builder.hpp"

#include <chrono>

#include "codec/base64.hpp"
#include "codec/json_text.hpp"
#include "codec/wide_integers.hpp"
#include "core/limits.hpp"
#include "mqtt/properties.hpp"
#include "sign/hmac.hpp"
#include "iot-pub/deadband_payload.hpp"
#include "iot-pub/props_json.hpp"

namespace iot::pub {
namespace {

Error reject(std::string reason, std::string message) {
  return make_error(ErrorKind::bad_input, std::move(reason), std::move(message));
}

// A payload field as topic text: strings as they are, numbers and booleans as JSON writes them.
std::optional<std::string> field_text(simdjson::dom::element payload, std::string_view name) {
  simdjson::dom::element value;
  if (payload.at_key(name).get(value)) return std::nullopt;
  std::string_view s;
  if (!value.get(s)) return std::string(s);
  if (value.is_number() || value.is_bool()) return simdjson::minify(value);
  return std::nullopt;
}

bool has_key(simdjson::dom::element obj, std::string_view key) {
  simdjson::dom::element v;
  return !obj.at_key(key).get(v);
}

// "alert", or "high" as the alarm envelopes of iot-stream(5), ALARMS, say.
bool is_alert(simdjson::dom::element payload) {
  std::string_view p;
  return !payload.at_key("priority").get(p) && (p == "alert" || p == "high");
}

// An envelope's payload as the line writes it, minified: its digits and
// escapes are the sender's, and writing it out again from the parsed
// document (every double through its shortest digits, every string escaped
// again) was most of the cost of a message. A payload key the line spells
// with escapes is not found by its text: then the document is written.
// When "payload" is the envelope's last member and its only one of that
// name (as iot-replay and most hand-written lines have it), its text ends
// where the line's object does: found without a scan through the payload.
std::string payload_text(std::string_view line, simdjson::dom::object envelope, simdjson::dom::element payload) {
  std::size_t named_payload = 0;
  bool payload_last = false;
  for (auto member : envelope) {
    payload_last = member.key == "payload";
    named_payload += payload_last;
  }
  auto text = named_payload == 1 && payload_last ? codec::last_member_text(line, "payload")
                                                 : codec::member_text(line, "payload");
  return text ? codec::minify_valid_json(*text) : simdjson::minify(payload);
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string_view content_type_for(codec::Encoding enc) {
  switch (enc) {
    case codec::Encoding::json: return "application/json";
    case codec::Encoding::msgpack: return "application/msgpack";
    case codec::Encoding::zlib_json: return "application/zlib+json";
    case codec::Encoding::zlib_msgpack: return "application/zlib+msgpack";
    case codec::Encoding::binary: return "application/octet-stream";
  }
  return "application/octet-stream";
}

MessageBuilder::MessageBuilder(BuildSettings settings, SeqSource next_seq)
    : settings_(std::move(settings)), next_seq_(std::move(next_seq)) {
  if (!settings_.deadband.empty()) filter_.emplace(settings_.deadband, settings_.heartbeat_ns, settings_.max_devices);
  for (const PubRoute& route : settings_.routes) {
    std::vector<telemetry::DeadbandRule> rules = route.rules;
    rules.insert(rules.end(), settings_.deadband.begin(), settings_.deadband.end());
    auto& f = route_filters_.emplace_back();
    if (!rules.empty()) f.emplace(std::move(rules), settings_.heartbeat_ns, settings_.max_devices);
  }
}

std::optional<std::size_t> MessageBuilder::route_for(std::string_view topic) const {
  for (std::size_t i = 0; i < settings_.routes.size(); ++i)
    if (settings_.routes[i].pattern.match(topic)) return i;
  return std::nullopt;
}

telemetry::DeadbandFilter* MessageBuilder::filter_for(std::optional<std::size_t> route) {
  if (route) return route_filters_[*route] ? &*route_filters_[*route] : nullptr;
  return filter_ ? &*filter_ : nullptr;
}

std::uint64_t MessageBuilder::suppressed_readings() const {
  std::uint64_t n = filter_ ? filter_->suppressed() : 0;
  for (const auto& f : route_filters_) n += f ? f->suppressed() : 0;
  return n;
}

std::uint64_t MessageBuilder::evicted_devices() const {
  std::uint64_t n = filter_ ? filter_->evicted() : 0;
  for (const auto& f : route_filters_) n += f ? f->evicted() : 0;
  return n;
}

Result<std::string> MessageBuilder::topic_for(const stream::EnvelopeView& view, simdjson::dom::element payload) {
  std::string topic;
  if (view.topic) {
    topic = std::string(*view.topic);
  } else if (settings_.topic_template) {
    // A signed payload keeps its fields one level down.
    simdjson::dom::element inner;
    bool is_signed = has_key(payload, "hmac") && !payload.at_key("payload").get(inner) && inner.is_object();
    auto filled = settings_.topic_template->fill([&](std::string_view name) {
      auto v = field_text(payload, name);
      return v || !is_signed ? v : field_text(inner, name);
    });
    if (!filled) return reject("topic", filled.error().message);
    topic = std::move(*filled);
  } else {
    return reject("topic", "a bare payload needs a topic template (-t)");
  }
  return topic;
}

Result<std::string> MessageBuilder::rewritten(std::string topic) const {
  if (auto st = topic::validate_topic_name(topic); !st) return reject("topic", st.error().message);
  if (settings_.rewriter.empty()) return topic;
  auto r = settings_.rewriter.apply(topic);
  if (!r) return reject("topic", r.error().message);
  return r;
}

Result<spool::OutboxEntry> MessageBuilder::build_raw(std::string_view bytes) {
  if (!settings_.topic_template || !settings_.topic_template->is_fixed())
    return reject("topic", "a raw payload needs a fixed topic (-t without {name})");
  auto topic = settings_.topic_template->fill_map({});
  if (!topic) return reject("topic", topic.error().message);
  auto final_topic = rewritten(std::move(*topic));
  if (!final_topic) return final_topic.error();
  if (bytes.size() > limits::max_payload_bytes) return reject("too_large", "payload over the size limit");
  spool::OutboxEntry e;
  e.qos = settings_.qos;
  e.retain = settings_.retain;
  e.topic = std::move(*final_topic);
  e.payload = std::string(bytes);
  return e;
}

// Inserts the missing stamp members at the front of the payload object.
Result<std::string> MessageBuilder::stamped(simdjson::dom::element payload, std::string json, bool full,
                                            bool new_ids) {
  std::string add;
  auto member = [&add](std::string_view key, const std::string& value) {
    add += '"';
    add += key;
    add += "\":";
    add += value;
    add += ',';
  };
  std::int64_t ns = now_ns();
  if (full && !has_key(payload, "schema_version")) member("schema_version", "\"2.1\"");
  if (new_ids || !has_key(payload, "msg_id")) member("msg_id", '"' + ulids_.next() + '"');
  if (new_ids || !has_key(payload, "seq")) {
    auto device = field_text(payload, "device_id");
    auto seq = next_seq_(device ? *device : std::string());
    if (!seq) return seq.error();
    member("seq", std::to_string(*seq));
  }
  if (!full) {
  } else if (settings_.key) {  // signed shape: seconds and nanoseconds inside the payload
    // Both or neither: "ts_ns" beside a payload's own "ts" (Unix ms in the
    // nested and flat shapes) would make every reader take that ts as seconds.
    if (!has_key(payload, "ts") && !has_key(payload, "ts_ns")) {
      member("ts", std::to_string(ns / 1000000000));
      member("ts_ns", std::to_string(ns % 1000000000));
    }
  } else if (!has_key(payload, "ts")) {
    member("ts", std::to_string(ns / 1000000));
  }
  if (add.empty()) return json;
  if (json == "{}") add.pop_back();
  return "{" + add + json.substr(1);
}

Result<std::optional<spool::OutboxEntry>> MessageBuilder::build(std::string_view line) {
  auto parsed = parser_.parse(line);
  if (!parsed) return parsed.error();
  const stream::EnvelopeView& view = *parsed;
  spool::OutboxEntry e;
  simdjson::dom::element payload = view.payload;
  bool own_ids = false;  // --deadband filtered it: msg_id and seq are iot-pub's
  auto topic = topic_for(view, payload);  // as the device sent it: routes match this
  if (!topic) return topic.error();
  const std::optional<std::size_t> route = route_for(*topic);
  telemetry::DeadbandFilter* filter = filter_for(route);
  // iot-pub(1), QOS AND RETAIN: the envelope's own, then the route's, then -q / --retain.
  e.qos = view.qos >= 0 ? view.qos : route ? settings_.routes[*route].qos : settings_.qos;
  e.retain = view.retain.value_or(settings_.retain);
  auto final_topic = rewritten(std::move(*topic));
  if (!final_topic) return final_topic.error();
  e.topic = std::move(*final_topic);

  mqtt::Properties props;
  if (!view.bare && view.props.is_object()) {
    auto p = props_from_json(view.props);
    if (!p) return p.error();
    props = std::move(*p);
  }
  if (view.payload_b64) {  // raw bytes travel as they are: no stamp, signature or re-encoding
    auto bytes = codec::base64_decode(*view.payload_b64);
    if (!bytes) return reject("schema", "payload_b64 is not valid base64");
    e.payload = std::move(*bytes);
  } else {
    codec::Encoding enc = codec::Encoding::json;
    if (settings_.encode) enc = *settings_.encode;
    else if (view.enc) {
      auto asked = codec::parse_encoding(*view.enc);
      if (asked && *asked != codec::Encoding::binary) enc = *asked;
    }
    std::string json;
    // --deadband comes before stamping: the ids are assigned to what is sent
    // (a payload in a shape the filter does not read keeps its own).
    if (view.has_wide_integers() && view.exact_payload) {
      // Integers beyond 64 bits: the payload goes on with its digits as
      // written (the DOM only has their nearest doubles), not filtered.
      json = std::string(*view.exact_payload);
    } else if (filter) {
      auto outcome = apply_deadband(payload, *filter, !settings_.keep_seq, now_ns());
      if (outcome.all_suppressed() && !settings_.keep_seq) {
        ++suppressed_messages_;
        return std::optional<spool::OutboxEntry>{};
      }
      own_ids = outcome.filtered && !settings_.keep_seq;
      json = std::move(outcome.json);
    } else {
      // A bare payload is the line itself (already parsed, so valid).
      json = view.bare ? codec::minify_valid_json(line) : payload_text(line, view.root, payload);
    }
    if (payload.is_object()) {
      if (is_alert(payload)) e.priority = 1;
      std::string_view id;
      if (!own_ids && !payload.at_key("msg_id").get(id)) e.msg_id = std::string(id);
      if (settings_.stamp || own_ids) {
        auto s = stamped(payload, std::move(json), settings_.stamp, own_ids);
        if (!s) return s.error();
        json = std::move(*s);
      }
    }
    if (settings_.key) {
      auto signed_line = sign::sign_payload(json, *settings_.key);
      if (!signed_line) return reject("sign", signed_line.error().message);
      json = std::move(*signed_line);
    }
    if (enc == codec::Encoding::json) {
      e.payload = std::move(json);  // written just above, valid and minified: no second parse
    } else {
      auto bytes = codec::encode_payload(json, enc);
      if (!bytes) return reject("encode", bytes.error().message);
      e.payload = std::move(*bytes);
    }
    if (settings_.v5 && !props.content_type) props.content_type = std::string(content_type_for(enc));
  }
  if (e.payload.size() > limits::max_payload_bytes) return reject("too_large", "payload over the size limit");
  if (settings_.v5) e.props_json = props_text_.text(props);
  if ((settings_.stamp || own_ids) && e.msg_id.empty() && e.payload.size()) {
    // the stamped msg_id, for logs: it is in the JSON we just built
    auto pos = e.payload.find("\"msg_id\":\"");
    if (pos != std::string::npos && e.payload.size() > pos + 36) e.msg_id = e.payload.substr(pos + 10, 26);
  }
  return std::optional<spool::OutboxEntry>{std::move(e)};
}

}  // namespace iot::pub
