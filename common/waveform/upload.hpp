// The sending side of iot-waveform(1) send: compress a capture (lz4 frame), hash
// it, cut it into chunks; the envelopes for iot-pub are rendered by the tool.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "waveform/protocol.hpp"
#include "waveform/samples.hpp"

namespace iot::waveform {

inline constexpr std::size_t kDefaultChunkSize = 16384;  // 16 KiB, iot-waveform(1) --chunk-size

struct Upload {
  CompleteMessage complete;
  std::string blob;  // the compressed capture, as sent and as stored
  std::size_t chunk_size = kDefaultChunkSize;
  // The i-th chunk: a view into blob (the last one may be shorter).
  std::string_view chunk(std::size_t i) const;
};

// Compresses (lz4 frame) and describes a capture. upload_id empty: a random UUIDv4.
Upload make_upload(const Capture& capture, double rate_hz, std::size_t chunk_size = kDefaultChunkSize,
                   std::string upload_id = {});

}  // namespace iot::waveform
