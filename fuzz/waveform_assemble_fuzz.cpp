// Fuzzes the assemble path below the tool: envelope lines -> topic parse ->
// chunk/complete -> Assembler -> verify_blob (SHA-256, lz4 frame/block,
// sample count), with small limits so eviction and caps are exercised.
// Input: NDJSON lines, as assemble reads them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/base64.hpp"
#include "stream/envelope.hpp"
#include "waveform/assembler.hpp"
#include "waveform/protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace iot::waveform;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  AssemblerLimits limits;
  limits.max_uploads = 3;
  limits.max_bytes = 1 << 16;
  limits.max_upload_bytes = 1 << 15;
  limits.max_chunks = 64;
  limits.max_decompressed = 1 << 20;
  limits.timeout = std::chrono::nanoseconds(50);
  Assembler assembler(limits);
  iot::stream::EnvelopeParser parser(1 << 16, 32);
  std::vector<Outcome> out;
  std::int64_t now = 0;
  while (!input.empty()) {
    auto nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input.remove_prefix(nl == std::string_view::npos ? input.size() : nl + 1);
    ++now;
    auto env = parser.parse(line);
    if (!env || env->bare || !env->topic) continue;
    auto parts = parse_topic(*env->topic);
    if (!parts) continue;
    if (parts->kind == TopicParts::chunk && env->payload_b64) {
      auto bytes = iot::codec::base64_decode(*env->payload_b64);
      if (bytes) (void)assembler.add_chunk(parts->base, parts->upload_id, parts->index, *bytes, now, out);
    } else if (parts->kind == TopicParts::complete && env->has_payload) {
      auto c = parse_complete(env->payload);
      if (c && c->upload_id == parts->upload_id) (void)assembler.add_complete(parts->base, std::move(*c), now, out);
    }
    assembler.expire(now, out);
    if (assembler.pending_uploads() > limits.max_uploads || assembler.pending_bytes() > limits.max_bytes) __builtin_trap();
    out.clear();
  }
  assembler.finish(out);
  return 0;
}
