// Default limits that guard memory against hostile input (iot-stream(5), LIMITS).
#pragma once
#include <cstddef>

namespace iot::limits {
inline constexpr std::size_t max_line_bytes = 16u << 20;          // one NDJSON line
inline constexpr std::size_t max_payload_bytes = 16u << 20;       // one MQTT payload
inline constexpr std::size_t max_decompressed_bytes = 64u << 20;  // zlib/lz4 output
inline constexpr std::size_t max_json_depth = 256;                // nesting
}  // namespace iot::limits
