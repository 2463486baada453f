// The chunked upload protocol of iot-waveform(1) (DESCRIPTION): topics
// `{base}/waveform/{upload_id}/chunk/{i}` and `{base}/waveform/{upload_id}/complete`,
// and the `complete` message with exactly the fields the page lists (plus `url` for
// the pre-signed URL path, where the blob goes over HTTP, not MQTT).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::waveform {

struct CompleteMessage {
  std::string upload_id;
  std::uint64_t total_chunks = 0;
  std::uint64_t total_bytes = 0;
  double sample_rate_hz = 0;
  std::uint64_t sample_count = 0;
  std::string format;           // "float32_le", "int16_le"
  std::string checksum_sha256;  // hex of the compressed blob
  std::optional<std::string> url;  // pre-signed URL path: fetch the blob here
};

// One-line JSON, fields in the page's order (as a Python device's json.dumps writes them).
std::string render_complete(const CompleteMessage& m);
// From a decoded payload (iot-sub's "payload") or from raw JSON bytes.
// Fails (reason "schema") on a missing or mistyped field, a checksum that is
// not 64 hex digits, or an upload id that is not a safe name.
Result<CompleteMessage> parse_complete(simdjson::dom::element payload);
Result<CompleteMessage> parse_complete_text(std::string_view json);

// What a topic says: a chunk, the complete message, or not ours.
struct TopicParts {
  enum Kind { chunk, complete } kind = chunk;
  std::string_view base;       // everything before "/waveform/"
  std::string_view upload_id;
  std::uint64_t index = 0;     // chunk only
};
std::optional<TopicParts> parse_topic(std::string_view topic);
std::string chunk_topic(std::string_view base, std::string_view upload_id, std::uint64_t index);
std::string complete_topic(std::string_view base, std::string_view upload_id);

// Upload ids become file names in the store: 1..128 of [A-Za-z0-9._-], not
// starting with '.'.
bool is_safe_upload_id(std::string_view id);

}  // namespace iot::waveform
