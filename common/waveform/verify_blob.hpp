// Checks one reassembled (or fetched) blob against its complete message:
// size, SHA-256, decompression (lz4 frame, or python-lz4's size-prefixed
// block), sample count. Shared by the MQTT and the HTTP paths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.hpp"
#include "waveform/protocol.hpp"

namespace iot::waveform {

// assemble's status words (iot-waveform(1), DESCRIPTION): ok, incomplete, checksum_mismatch, bad_chunk.
enum class UploadStatus { ok, incomplete, checksum_mismatch, bad_chunk };
std::string_view status_name(UploadStatus status);

// What became of one upload; one metadata line on stdout each.
struct Outcome {
  UploadStatus status = UploadStatus::ok;
  std::string upload_id;
  std::string base;                        // the topic base ({base}/waveform/...)
  std::optional<CompleteMessage> complete; // absent when it never arrived
  std::string blob;                        // ok: the verified compressed blob
  std::string samples;                     // ok: the decompressed sample bytes
  std::string compression;                 // ok: "lz4_frame" or "lz4_block"
  std::uint64_t received = 0;              // distinct chunks received
  std::vector<std::uint64_t> missing;      // incomplete: the absent indices
  std::vector<std::uint64_t> conflicting;  // chunk indices that came twice with other bytes
  std::string detail;                      // why, for anything but ok
  std::int64_t time_ns = 0;                // the complete message's receive time (else first chunk's)
};

// Fills status, blob, samples, compression and detail of `out` from `blob`
// and `out.complete` (which must be set). max_decompressed caps the output.
void verify_blob(Outcome& out, std::string blob, std::size_t max_decompressed = limits::max_decompressed_bytes);

}  // namespace iot::waveform
