// The metadata line `assemble` writes for iot-ingest's `waveforms` table
// (iot-ingest(1), Waveform records), one NDJSON object per upload, and the sidecar stored beside
// each blob. Fields (absent when unknown):
//   type "waveform", status (ok|incomplete|checksum_mismatch|bad_chunk),
//   upload_id, device_id, topic_base, time (ISO 8601 UTC, microseconds),
//   sample_rate_hz, sample_count, format, total_chunks, total_bytes,
//   sha256, compression (lz4_frame|lz4_block), blob (path), url,
//   received, missing [indices], conflicting [indices], detail,
//   and with --analyze: rms, peak, peak_to_peak, crest, kurtosis,
//   dominant_hz [hz...], dominant [{hz, magnitude}], bands [{lo_hz, hi_hz, rms}].
#pragma once

#include <string>

#include "waveform/analysis.hpp"
#include "waveform/verify_blob.hpp"

namespace iot::waveform {

// The device id of a topic base: its last level ("plant/P-007" -> "P-007").
std::string device_of_base(std::string_view base);
// "2026-03-19T10:40:00.123000Z"
std::string iso_time(std::int64_t ns);

std::string render_metadata(const Outcome& o, const std::string& blob_path, const Features* features);

}  // namespace iot::waveform
