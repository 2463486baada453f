#include "codec/lz4.hpp"

#include <gtest/gtest.h>
#include <lz4frame.h>

#include <string>

#include "core/limits.hpp"

namespace iot::codec {
namespace {

constexpr std::size_t kCap = limits::max_decompressed_bytes;

std::string sample() {
  std::string s;
  for (int i = 0; i < 500; ++i) s += "sample " + std::to_string(i * 7919 % 1000) + ";";
  return s;
}

TEST(Lz4Frame, RoundTripWithMagic) {
  for (std::string data : {std::string(), std::string("x"), sample(), std::string(300000, 'z')}) {
    std::string f = lz4_frame_compress(data);
    ASSERT_TRUE(is_lz4_frame(f));
    auto back = lz4_frame_decompress(f, kCap);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, data);
    EXPECT_EQ(lz4_decompress_any(f, kCap).value(), data);
  }
}

TEST(Lz4Frame, TruncationCorruptionAndTrailingBytesAreRefused) {
  std::string f = lz4_frame_compress(sample());
  for (std::size_t n = 0; n < f.size(); ++n) EXPECT_FALSE(lz4_frame_decompress(f.substr(0, n), kCap).ok()) << n;
  EXPECT_FALSE(lz4_frame_decompress(f + "x", kCap).ok());
  std::string corrupt = f;
  corrupt[corrupt.size() / 2] ^= 0x55;
  EXPECT_FALSE(lz4_frame_decompress(corrupt, kCap).ok());
}

TEST(Lz4Frame, BombStopsAtTheCap) {
  // 256 MiB of zeros compressed in 4 MiB steps; the decoder must stop at 16 MiB.
  LZ4F_cctx* ctx = nullptr;
  ASSERT_FALSE(LZ4F_isError(LZ4F_createCompressionContext(&ctx, LZ4F_VERSION)));
  const std::string block(4u << 20, '\0');
  std::string out(LZ4F_compressBound(block.size(), nullptr) + 64, '\0');
  std::string frame;
  std::size_t n = LZ4F_compressBegin(ctx, out.data(), out.size(), nullptr);
  frame.append(out.data(), n);
  for (int i = 0; i < 64; ++i) {
    n = LZ4F_compressUpdate(ctx, out.data(), out.size(), block.data(), block.size(), nullptr);
    ASSERT_FALSE(LZ4F_isError(n));
    frame.append(out.data(), n);
  }
  n = LZ4F_compressEnd(ctx, out.data(), out.size(), nullptr);
  frame.append(out.data(), n);
  LZ4F_freeCompressionContext(ctx);
  EXPECT_LT(frame.size(), 2u << 20);
  auto r = lz4_frame_decompress(frame, 16u << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "too_large");
}

TEST(Lz4Block, SizedRoundTripLikePythonLz4) {
  std::string data = sample();
  std::string b = lz4_block_compress_sized(data);
  ASSERT_GE(b.size(), 4u);
  // Little-endian u32 size first, as python-lz4's lz4.block.compress writes it.
  std::uint32_t size = static_cast<unsigned char>(b[0]) | static_cast<unsigned char>(b[1]) << 8 |
                       static_cast<unsigned char>(b[2]) << 16 | std::uint32_t(static_cast<unsigned char>(b[3])) << 24;
  EXPECT_EQ(size, data.size());
  EXPECT_FALSE(is_lz4_frame(b));
  EXPECT_EQ(lz4_block_decompress_sized(b, kCap).value(), data);
  EXPECT_EQ(lz4_decompress_any(b, kCap).value(), data);
  EXPECT_EQ(lz4_block_decompress_sized(lz4_block_compress_sized(""), kCap).value(), "");
  // The most compressible input stays within the ~255:1 bound the decoder assumes.
  std::string zeros(8u << 20, '\0');
  EXPECT_EQ(lz4_block_decompress_sized(lz4_block_compress_sized(zeros), kCap).value(), zeros);
}

TEST(Lz4Block, LyingSizePrefixIsRefused) {
  std::string b = lz4_block_compress_sized(sample());
  std::string smaller = b, larger = b;
  smaller[0] = static_cast<char>(smaller[0] - 1);
  larger[0] = static_cast<char>(larger[0] + 1);
  EXPECT_FALSE(lz4_block_decompress_sized(smaller, kCap).ok());
  EXPECT_FALSE(lz4_block_decompress_sized(larger, kCap).ok());
  for (std::size_t n = 0; n < b.size(); ++n) EXPECT_FALSE(lz4_block_decompress_sized(b.substr(0, n), kCap).ok()) << n;
}

TEST(Lz4Block, SizeAboveTheCapIsRefusedBeforeDecoding) {
  // JSON text read as a size prefix: "{\"t\"" announces ~578 MB.
  auto r = lz4_block_decompress_sized("{\"t\":1}", kCap);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "too_large");
  std::string big = lz4_block_compress_sized(std::string(1u << 20, 'a'));
  EXPECT_EQ(lz4_block_decompress_sized(big, 1000).error().reason, "too_large");
  // Within the cap but impossible for a 5-byte block: refused without allocating it.
  EXPECT_FALSE(lz4_block_decompress_sized(std::string("\x00\x00\x00\x02\x10\x00\x00\x00\x00", 9), kCap).ok());
}

}  // namespace
}  // namespace iot::codec
