#include "waveform/verify_blob.hpp"

#include <fmt/format.h>

#include "codec/lz4.hpp"
#include "waveform/digest.hpp"
#include "waveform/samples.hpp"

namespace iot::waveform {

std::string_view status_name(UploadStatus s) {
  switch (s) {
    case UploadStatus::ok: return "ok";
    case UploadStatus::incomplete: return "incomplete";
    case UploadStatus::checksum_mismatch: return "checksum_mismatch";
    case UploadStatus::bad_chunk: return "bad_chunk";
  }
  return "bad_chunk";
}

void verify_blob(Outcome& out, std::string blob, std::size_t max_decompressed) {
  const CompleteMessage& c = *out.complete;
  auto bad = [&](UploadStatus s, std::string detail) {
    out.status = s;
    out.detail = std::move(detail);
  };
  if (blob.size() != c.total_bytes)
    return bad(UploadStatus::bad_chunk, fmt::format("{} bytes received, total_bytes says {}", blob.size(), c.total_bytes));
  std::string sum = sha256_hex(blob);
  if (sum != c.checksum_sha256)
    return bad(UploadStatus::checksum_mismatch, fmt::format("SHA-256 of the blob is {}", sum));
  auto format = parse_wire_format(c.format);
  if (!format) return bad(UploadStatus::bad_chunk, "unknown sample format '" + c.format + "'");
  std::size_t width = bytes_per_sample(*format);
  if (c.sample_count > max_decompressed / width)
    return bad(UploadStatus::bad_chunk, fmt::format("sample_count {} is over the decompression cap", c.sample_count));
  std::size_t expected = c.sample_count * width;
  bool frame = codec::is_lz4_frame(blob);
  // One byte of room past the expected size, so that a longer stream is caught, not cut.
  auto raw = frame ? codec::lz4_frame_decompress(blob, expected + 1)
                   : codec::lz4_block_decompress_sized(blob, expected + 1);
  if (!raw) return bad(UploadStatus::bad_chunk, "lz4: " + raw.error().message);
  if (raw->size() != expected)
    return bad(UploadStatus::bad_chunk, fmt::format("{} sample bytes decompressed, sample_count {} needs {}",
                                                    raw->size(), c.sample_count, expected));
  out.status = UploadStatus::ok;
  out.compression = frame ? "lz4_frame" : "lz4_block";
  out.samples = std::move(*raw);
  out.blob = std::move(blob);
}

}  // namespace iot::waveform
