// The sending side (common/waveform/upload.cpp): a capture compressed as one
// lz4 frame, described by the complete message, and cut into chunks that
// put together are the blob again.
#include "waveform/upload.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "codec/lz4.hpp"
#include "waveform/digest.hpp"

namespace iot::waveform {
namespace {

Capture sine(std::size_t n) {
  std::vector<double> samples(n);
  for (std::size_t i = 0; i < n; ++i) samples[i] = std::sin(2 * M_PI * 50.0 * double(i) / 10000.0) + 0.001 * double(i % 7);
  Capture c;
  c.format = WireFormat::float32_le;
  c.bytes = encode_float32(samples);
  c.sample_count = n;
  return c;
}

TEST(MakeUpload, DescribesTheBlobAndChunksAddUpToIt) {
  const Capture capture = sine(10000);
  struct Row {
    std::size_t chunk_size;  // asked for
    std::size_t used;        // 0 asks for the default
  } rows[] = {{16384, 16384}, {1000, 1000}, {1, 1}, {0, kDefaultChunkSize}, {1 << 24, 1 << 24}};
  for (const auto& row : rows) {
    SCOPED_TRACE("chunk size " + std::to_string(row.chunk_size));
    Upload u = make_upload(capture, 10000, row.chunk_size, "up-1");
    EXPECT_EQ(u.chunk_size, row.used);
    EXPECT_EQ(codec::lz4_frame_decompress(u.blob, 1 << 20).value(), capture.bytes);
    const CompleteMessage& c = u.complete;
    EXPECT_EQ(c.upload_id, "up-1");
    EXPECT_EQ(c.total_bytes, u.blob.size());
    EXPECT_EQ(c.total_chunks, (u.blob.size() + row.used - 1) / row.used);
    EXPECT_EQ(c.sample_rate_hz, 10000);
    EXPECT_EQ(c.sample_count, 10000u);
    EXPECT_EQ(c.format, "float32_le");
    EXPECT_EQ(c.checksum_sha256, sha256_hex(u.blob));
    EXPECT_FALSE(c.url);
    std::string joined;
    for (std::size_t i = 0; i < c.total_chunks; ++i) {
      std::string_view chunk = u.chunk(i);
      ASSERT_FALSE(chunk.empty()) << i;
      ASSERT_LE(chunk.size(), row.used);
      if (i + 1 < c.total_chunks) {
        ASSERT_EQ(chunk.size(), row.used) << "only the last chunk may be shorter";
      }
      joined.append(chunk);
    }
    EXPECT_EQ(joined, u.blob);
    EXPECT_TRUE(u.chunk(c.total_chunks).empty());
    EXPECT_TRUE(u.chunk(c.total_chunks + 100).empty());
  }
}

TEST(MakeUpload, Int16CapturesKeepTheirFormat) {
  Capture c;
  c.format = WireFormat::int16_le;
  c.bytes = std::string("\x01\x00\xff\x7f\x00\x80", 6);
  c.sample_count = 3;
  Upload u = make_upload(c, 8000, 4, "i16");
  EXPECT_EQ(u.complete.format, "int16_le");
  EXPECT_EQ(u.complete.sample_count, 3u);
  EXPECT_EQ(codec::lz4_frame_decompress(u.blob, 1 << 10).value(), c.bytes);
}

TEST(MakeUpload, WithoutAnIdEachUploadGetsAFreshUuid4) {
  const Capture capture = sine(100);
  const std::regex uuid4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::string a = make_upload(capture, 1000).complete.upload_id;
  std::string b = make_upload(capture, 1000).complete.upload_id;
  EXPECT_TRUE(std::regex_match(a, uuid4)) << a;
  EXPECT_TRUE(std::regex_match(b, uuid4)) << b;
  EXPECT_NE(a, b);
}

TEST(MakeUpload, AnEmptyCaptureIsOneEmptyFrame) {
  Upload u = make_upload(Capture{}, 1000, 16, "empty");
  EXPECT_FALSE(u.blob.empty());  // the frame's header and end mark
  EXPECT_EQ(codec::lz4_frame_decompress(u.blob, 16).value(), "");
  EXPECT_EQ(u.complete.sample_count, 0u);
  EXPECT_EQ(u.complete.total_chunks, (u.blob.size() + 15) / 16);
}

}  // namespace
}  // namespace iot::waveform
