// zlib_inflate/gzip_inflate never crash or pass the cap; whatever inflates
// deflates and inflates back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/zlib.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace iot::codec;
  constexpr std::size_t kCap = 1u << 20;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto z = zlib_inflate(bytes, kCap);
  if (z.ok()) {
    if (z->size() > kCap || !looks_like_zlib(bytes)) abort();
    auto back = zlib_inflate(zlib_deflate(*z), kCap);
    if (!back.ok() || *back != *z) abort();
  }
  auto g = gzip_inflate(bytes, kCap);
  if (g.ok() && g->size() > kCap) abort();
  auto round = zlib_inflate(zlib_deflate(bytes, 1), size);
  if (!round.ok() || *round != bytes) abort();
  return 0;
}
