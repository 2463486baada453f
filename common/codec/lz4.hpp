// lz4: the frame format (magic 04 22 4D 18) and python-lz4's size-prefixed
// block format (little-endian u32 size, then a raw block), told apart by the
// magic (iot-waveform(1), DESCRIPTION, sends either). Output is capped
// against bombs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::codec {

bool is_lz4_frame(std::string_view bytes);
std::string lz4_frame_compress(std::string_view bytes);
Result<std::string> lz4_frame_decompress(std::string_view bytes, std::size_t max_out);
std::string lz4_block_compress_sized(std::string_view bytes);  // python-lz4 lz4.block.compress
Result<std::string> lz4_block_decompress_sized(std::string_view bytes, std::size_t max_out);
// Frame if the magic is there, else the size-prefixed block format.
Result<std::string> lz4_decompress_any(std::string_view bytes, std::size_t max_out);

}  // namespace iot::codec
