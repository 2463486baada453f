// zlib (RFC 1950) with a cap on output: a decompression bomb is refused,
// not inflated. gzip (RFC 1952) for recordings.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::codec {

// True when the two bytes are a valid zlib header (CM 8, CINFO <= 7, FCHECK, no FDICT).
bool looks_like_zlib(std::string_view bytes);
// Inflates a complete zlib stream; fails unless it ends (Z_STREAM_END) with no
// bytes left over, or when the output would pass max_out (reason "too_large").
Result<std::string> zlib_inflate(std::string_view bytes, std::size_t max_out);
// Compression never fails on inputs below 4 GiB (an empty string above).
std::string zlib_deflate(std::string_view bytes, int level = 6);
// gzip: whole-buffer helpers (streaming readers live in stream/); inflate
// accepts concatenated members, as gzip(1) does.
Result<std::string> gzip_inflate(std::string_view bytes, std::size_t max_out);
std::string gzip_deflate(std::string_view bytes, int level = 6);

}  // namespace iot::codec
