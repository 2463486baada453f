// EnvelopeParser::parse on arbitrary bytes; an accepted envelope is rendered
// again and must parse back to the same topic.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "stream/envelope.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static iot::stream::EnvelopeParser parser(1 << 16);
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto v = parser.parse(line);
  if (!v) {
    if (v.error().reason != "bad_json" && v.error().reason != "schema" && v.error().reason != "too_large") std::abort();
    return 0;
  }
  if (v->bare) {
    if (v->topic || !v->has_payload) std::abort();
    return 0;
  }
  iot::stream::EnvelopeOut out;
  std::string topic(*v->topic);
  out.topic = topic;
  std::string payload;
  if (v->has_payload) {
    payload = simdjson::to_string(v->payload);
    out.payload_json = payload;
  }
  std::string b64;
  if (v->payload_b64) {
    out.payload_json.reset();
    b64 = std::string(*v->payload_b64);
  }
  out.qos = v->qos;
  out.retain = v->retain;
  out.rx_ts = v->rx_ts;
  std::string line2 = iot::stream::render_envelope(out);
  auto again = parser.parse(line2);
  if (!again || again->bare || *again->topic != topic) std::abort();
  return 0;
}
