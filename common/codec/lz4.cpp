#include "codec/lz4.hpp"

#include <lz4.h>
#include <lz4frame.h>

#include <array>
#include <cstdint>

namespace iot::codec {
namespace {

constexpr std::size_t kChunk = 64 * 1024;  // fixed output window: memory stays bounded
constexpr unsigned char kFrameMagic[4] = {0x04, 0x22, 0x4D, 0x18};

// "64 MiB" rather than "67108864 bytes" when the cap is a whole number of MiB.
std::string size_words(std::size_t n) {
  if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB";
  return std::to_string(n) + " bytes";
}

Error decode_error(std::string what) {
  return make_error(ErrorKind::bad_input, "decode", std::move(what));
}
Error too_large(std::size_t max_out) {
  return make_error(ErrorKind::too_large, "too_large",
                    "lz4: output over " + size_words(max_out));
}

// RAII owner of an LZ4F decompression context.
class FrameDecoder {
 public:
  FrameDecoder() { ok_ = !LZ4F_isError(LZ4F_createDecompressionContext(&ctx_, LZ4F_VERSION)); }
  ~FrameDecoder() {
    if (ctx_) LZ4F_freeDecompressionContext(ctx_);
  }
  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;
  bool ok() const { return ok_; }
  LZ4F_dctx* get() { return ctx_; }

 private:
  LZ4F_dctx* ctx_ = nullptr;
  bool ok_ = false;
};

}  // namespace

bool is_lz4_frame(std::string_view bytes) {
  if (bytes.size() < 4) return false;
  for (int i = 0; i < 4; ++i) {
    if (static_cast<unsigned char>(bytes[i]) != kFrameMagic[i]) return false;
  }
  return true;
}

std::string lz4_frame_compress(std::string_view bytes) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentSize = bytes.size();
  std::string out(LZ4F_compressFrameBound(bytes.size(), &prefs), '\0');
  std::size_t n = LZ4F_compressFrame(out.data(), out.size(), bytes.data(), bytes.size(), &prefs);
  if (LZ4F_isError(n)) return {};
  out.resize(n);
  return out;
}

Result<std::string> lz4_frame_decompress(std::string_view bytes, std::size_t max_out) {
  if (!is_lz4_frame(bytes)) return decode_error("lz4: no frame magic");
  FrameDecoder dec;
  if (!dec.ok()) return make_error(ErrorKind::internal, "internal", "lz4: context allocation failed");
  std::string out;
  std::array<char, kChunk> buf;
  std::size_t pos = 0;
  for (;;) {
    std::size_t src_size = bytes.size() - pos;
    std::size_t dst_size = buf.size();
    std::size_t hint = LZ4F_decompress(dec.get(), buf.data(), &dst_size, bytes.data() + pos, &src_size, nullptr);
    if (LZ4F_isError(hint)) return decode_error(std::string("lz4: ") + LZ4F_getErrorName(hint));
    pos += src_size;
    if (out.size() + dst_size > max_out) return too_large(max_out);
    out.append(buf.data(), dst_size);
    if (hint == 0) {  // the frame is complete (checksums verified by LZ4F)
      if (pos != bytes.size()) return decode_error("lz4: trailing bytes after the frame");
      return out;
    }
    if (src_size == 0 && dst_size == 0) return decode_error("lz4: truncated frame");
  }
}

std::string lz4_block_compress_sized(std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE)) return {};
  int n = static_cast<int>(bytes.size());
  std::string out(4 + static_cast<std::size_t>(LZ4_compressBound(n)), '\0');
  auto size = static_cast<std::uint32_t>(bytes.size());
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((size >> (8 * i)) & 0xFF);
  int written = LZ4_compress_default(bytes.data(), out.data() + 4, n, static_cast<int>(out.size() - 4));
  if (written <= 0) return {};
  out.resize(4 + static_cast<std::size_t>(written));
  return out;
}

Result<std::string> lz4_block_decompress_sized(std::string_view bytes, std::size_t max_out) {
  if (bytes.size() < 4) return decode_error("lz4: block shorter than its size prefix");
  std::uint32_t size = 0;
  for (int i = 0; i < 4; ++i) size |= std::uint32_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
  if (size > max_out) return too_large(max_out);
  if (size > static_cast<std::uint32_t>(LZ4_MAX_INPUT_SIZE)) return too_large(LZ4_MAX_INPUT_SIZE);
  std::string_view block = bytes.substr(4);
  if (block.size() > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE)) return decode_error("lz4: block too long");
  // LZ4 expands at most ~255:1, so a larger prefix is a lie: refuse it before
  // allocating what it announces.
  if (size > block.size() * 256 + 16) return decode_error("lz4: size prefix too large for the block");
  // One byte more than announced so that a lying prefix cannot hide excess output.
  std::string out(std::size_t(size) + 1, '\0');
  int got = LZ4_decompress_safe(block.data(), out.data(), static_cast<int>(block.size()), static_cast<int>(size) + 1);
  if (got < 0) return decode_error("lz4: corrupt block");
  if (static_cast<std::uint32_t>(got) != size) return decode_error("lz4: block size differs from its prefix");
  out.resize(size);
  return out;
}

Result<std::string> lz4_decompress_any(std::string_view bytes, std::size_t max_out) {
  if (is_lz4_frame(bytes)) return lz4_frame_decompress(bytes, max_out);
  return lz4_block_decompress_sized(bytes, max_out);
}

}  // namespace iot::codec
