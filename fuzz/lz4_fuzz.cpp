// lz4_decompress_any never crashes or passes the cap; our own compressors
// round-trip whatever bytes come in.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/lz4.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace iot::codec;
  constexpr std::size_t kCap = 1u << 20;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto r = lz4_decompress_any(bytes, kCap);
  if (r.ok() && r->size() > kCap) abort();
  auto frame = lz4_frame_decompress(lz4_frame_compress(bytes), size);
  if (!frame.ok() || *frame != bytes) abort();
  auto block = lz4_block_decompress_sized(lz4_block_compress_sized(bytes), size);
  if (!block.ok() || *block != bytes) abort();
  return 0;
}
