#include "iot-ingest/line_rows.hpp"

#include "sign/hmac.hpp"
#include "telemetry/normalize.hpp"

namespace iot::ingest {
namespace {

Error rejected(std::string reason, std::string message) {
  return make_error(ErrorKind::bad_input, std::move(reason), std::move(message));
}

Status check_signature(simdjson::dom::element payload, const std::string& key) {
  switch (sign::verify_signed(payload, key)) {
    case sign::SignatureStatus::ok: return ok_status();
    case sign::SignatureStatus::missing: return rejected("bad_signature", "no hmac on a route that requires one");
    case sign::SignatureStatus::malformed: return rejected("bad_signature", "hmac malformed");
    case sign::SignatureStatus::bad_signature: return rejected("bad_signature", "HMAC does not match");
  }
  return rejected("bad_signature", "HMAC does not match");
}

}  // namespace

Result<LineRows> line_rows(const stream::EnvelopeView& env, const Router& router,
                           const std::optional<std::string>& default_key) {
  LineRows out;
  std::string_view topic = env.topic.value_or(std::string_view());
  std::map<std::string, std::string> fields = field_strings(env.fields);
  out.route = router.resolve(topic, fields);
  if (!out.route) return rejected("no_route", "no registry route matches topic '" + std::string(topic) + "'");
  const Route& route = *out.route;
  if (!env.has_payload) return rejected("decode", "a binary payload (payload_b64) holds no readings");
  if (is_waveform_line(env.payload)) {
    auto w = build_waveform(env.payload);
    if (!w) return w.error();
    out.waveform = std::move(*w);
    return out;
  }
  const std::optional<std::string>& key = route.key ? route.key : default_key;
  if (key) {
    if (auto st = check_signature(env.payload, *key); !st) return st.error();
  }
  telemetry::NormalizeContext context;
  context.shape = route.shape;
  context.topic = topic;
  context.fields = &fields;
  context.keymap = route.keymap.empty() ? nullptr : &route.keymap;
  context.device_template = route.device_template;
  context.metric_template = route.metric_template;
  auto messages = telemetry::normalize(env.payload, context);
  if (!messages) return messages.error();
  auto built = build_messages(*messages, fields, env.payload, route);
  if (!built) return built.error();
  out.messages = std::move(*built);
  return out;
}

}  // namespace iot::ingest
