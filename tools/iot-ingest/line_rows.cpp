#include "iot-ingest/line_rows.hpp"

namespace iot::ingest {

Result<LineRows> line_rows(const stream::EnvelopeView& env, const registry::RouteEngine& routes,
                           const Enrichment& enrichment) {
  LineRows out;
  std::string_view topic = env.topic.value_or(std::string_view());
  auto match = routes.route(topic, &env.fields);
  if (!match) return match.error();
  if (!env.has_payload)
    return make_error(ErrorKind::bad_input, "decode", "a binary payload (payload_b64) holds no readings");
  if (is_waveform_line(env.payload)) {
    auto w = build_waveform(env.payload);
    if (!w) return w.error();
    out.waveform = std::move(*w);
    out.match = std::move(*match);
    return out;
  }
  auto read = routes.read(env.payload, *match, topic, env.exact_payload);
  if (!read) return read.error();
  auto built = build_messages(read->messages, *match, read->tags, enrichment);
  if (!built) return built.error();
  out.messages = std::move(*built);
  out.match = std::move(*match);
  return out;
}

}  // namespace iot::ingest
