#include "waveform/upload.hpp"

#include "codec/lz4.hpp"
#include "waveform/digest.hpp"

namespace iot::waveform {

std::string_view Upload::chunk(std::size_t i) const {
  std::string_view all(blob);
  std::size_t at = i * chunk_size;
  if (at >= all.size()) return {};
  return all.substr(at, chunk_size);
}

Upload make_upload(const Capture& capture, double rate_hz, std::size_t chunk_size, std::string upload_id) {
  Upload u;
  u.chunk_size = chunk_size == 0 ? kDefaultChunkSize : chunk_size;
  u.blob = codec::lz4_frame_compress(capture.bytes);
  CompleteMessage& c = u.complete;
  c.upload_id = upload_id.empty() ? random_uuid4() : std::move(upload_id);
  c.total_bytes = u.blob.size();
  c.total_chunks = (u.blob.size() + u.chunk_size - 1) / u.chunk_size;
  c.sample_rate_hz = rate_hz;
  c.sample_count = capture.sample_count;
  c.format = std::string(wire_format_name(capture.format));
  c.checksum_sha256 = sha256_hex(u.blob);
  return u;
}

}  // namespace iot::waveform
