#include "waveform/assembler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "codec/lz4.hpp"
#include "waveform/upload.hpp"

namespace iot::waveform {
namespace {

Upload sample_upload(std::size_t samples = 10000, std::size_t chunk = 4096) {
  std::vector<double> x(samples);
  for (std::size_t i = 0; i < samples; ++i) x[i] = std::sin(0.1 * static_cast<double>(i)) + 0.001 * static_cast<double>(i % 7);
  Capture c{WireFormat::float32_le, encode_float32(x), samples, {}};
  return make_upload(c, 10000, chunk, "up-1");
}

TEST(Assembler, ShuffledChunksWithDuplicateAssembleToTheSameBlob) {
  Upload up = sample_upload();
  ASSERT_GT(up.complete.total_chunks, 3u);
  std::vector<std::size_t> order(up.complete.total_chunks);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(7));
  order.push_back(order[1]);  // an exact duplicate
  Assembler a;
  std::vector<Outcome> out;
  ASSERT_TRUE(a.add_complete("dev", up.complete, 1, out));
  int duplicates = 0;
  for (std::size_t i : order) {
    auto r = a.add_chunk("dev", "up-1", i, up.chunk(i), 2, out);
    ASSERT_TRUE(r);
    duplicates += *r != Accepted::taken;
  }
  EXPECT_EQ(duplicates, 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, UploadStatus::ok) << out[0].detail;
  EXPECT_EQ(out[0].blob, up.blob);
  EXPECT_EQ(out[0].compression, "lz4_frame");
  EXPECT_EQ(out[0].samples.size(), 40000u);
  EXPECT_EQ(a.pending_uploads(), 0u);
  EXPECT_EQ(a.pending_bytes(), 0u);
}

TEST(Assembler, ConflictingDuplicateIsRefusedAndFirstCopyKept) {
  Upload up = sample_upload();
  Assembler a;
  std::vector<Outcome> out;
  ASSERT_TRUE(a.add_chunk("dev", "up-1", 0, up.chunk(0), 1, out));
  std::string other(up.chunk(0));
  other[5] ^= 1;
  auto r = a.add_chunk("dev", "up-1", 0, other, 1, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "duplicate");
  for (std::size_t i = 1; i < up.complete.total_chunks; ++i) ASSERT_TRUE(a.add_chunk("dev", "up-1", i, up.chunk(i), 1, out));
  ASSERT_TRUE(a.add_complete("dev", up.complete, 1, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, UploadStatus::ok);
  EXPECT_EQ(out[0].conflicting, std::vector<std::uint64_t>{0});
}

TEST(Assembler, CorruptedChunkIsAChecksumMismatch) {
  Upload up = sample_upload();
  Assembler a;
  std::vector<Outcome> out;
  for (std::size_t i = 0; i < up.complete.total_chunks; ++i) {
    std::string c(up.chunk(i));
    if (i == 1) c[10] ^= 0x40;
    ASSERT_TRUE(a.add_chunk("dev", "up-1", i, c, 1, out));
  }
  ASSERT_TRUE(a.add_complete("dev", up.complete, 1, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, UploadStatus::checksum_mismatch);
  EXPECT_TRUE(out[0].blob.empty());
}

TEST(Assembler, MissingChunkIsReportedAfterTimeoutWithItsIndex) {
  Upload up = sample_upload();
  AssemblerLimits limits;
  limits.timeout = std::chrono::seconds(5);
  Assembler a(limits);
  std::vector<Outcome> out;
  for (std::size_t i = 0; i < up.complete.total_chunks; ++i) {
    if (i != 2) {
      ASSERT_TRUE(a.add_chunk("dev", "up-1", i, up.chunk(i), 0, out));
    }
  }
  ASSERT_TRUE(a.add_complete("dev", up.complete, 0, out));
  a.expire(4'000'000'000, out);
  EXPECT_TRUE(out.empty());
  a.expire(5'000'000'000, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, UploadStatus::incomplete);
  EXPECT_EQ(out[0].detail, "timeout");
  EXPECT_EQ(out[0].missing, std::vector<std::uint64_t>{2});
  // A late chunk of a reported upload is a late duplicate, not a new upload.
  auto late = a.add_chunk("dev", "up-1", 2, up.chunk(2), 6'000'000'000, out);
  ASSERT_TRUE(late);
  EXPECT_EQ(*late, Accepted::late_duplicate);
  EXPECT_EQ(a.pending_uploads(), 0u);
}

TEST(Assembler, EndOfInputReportsPendingUploadsWithoutComplete) {
  Assembler a;
  std::vector<Outcome> out;
  ASSERT_TRUE(a.add_chunk("dev", "u", 0, "abc", 0, out));
  ASSERT_TRUE(a.add_chunk("dev", "u", 3, "abc", 0, out));
  a.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, UploadStatus::incomplete);
  EXPECT_EQ(out[0].missing, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_FALSE(out[0].complete);
}

TEST(Assembler, OldestUploadIsEvictedAtTheUploadLimit) {
  AssemblerLimits limits;
  limits.max_uploads = 2;
  Assembler a(limits);
  std::vector<Outcome> out;
  ASSERT_TRUE(a.add_chunk("d", "a", 0, "x", 0, out));
  ASSERT_TRUE(a.add_chunk("d", "b", 0, "x", 1, out));
  ASSERT_TRUE(a.add_chunk("d", "c", 0, "x", 2, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].upload_id, "a");
  EXPECT_EQ(out[0].detail, "evicted");
  EXPECT_EQ(a.pending_uploads(), 2u);
}

TEST(Assembler, ByteLimitEvictsOldestAndRefusesOversizedChunks) {
  AssemblerLimits limits;
  limits.max_bytes = 100;
  Assembler a(limits);
  std::vector<Outcome> out;
  ASSERT_TRUE(a.add_chunk("d", "a", 0, std::string(60, 'a'), 0, out));
  ASSERT_TRUE(a.add_chunk("d", "b", 0, std::string(60, 'b'), 1, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].upload_id, "a");
  EXPECT_LE(a.pending_bytes(), 100u);
  auto big = a.add_chunk("d", "c", 0, std::string(101, 'c'), 2, out);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().reason, "too_large");
}

TEST(Assembler, ChunkBeyondTotalIsBadChunk) {
  Upload up = sample_upload(100, 16384);
  ASSERT_EQ(up.complete.total_chunks, 1u);
  Assembler a;
  std::vector<Outcome> out;
  ASSERT_TRUE(a.add_chunk("d", "up-1", 5, "zz", 0, out));
  ASSERT_TRUE(a.add_complete("d", up.complete, 0, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, UploadStatus::bad_chunk);
}

TEST(Assembler, SecondDifferentCompleteIsRefused) {
  Upload up = sample_upload();
  Assembler a;
  std::vector<Outcome> out;
  ASSERT_TRUE(a.add_complete("d", up.complete, 0, out));
  auto same = a.add_complete("d", up.complete, 0, out);
  ASSERT_TRUE(same);
  EXPECT_EQ(*same, Accepted::duplicate);
  CompleteMessage other = up.complete;
  other.sample_count += 1;
  auto r = a.add_complete("d", other, 0, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "duplicate");
}

}  // namespace
}  // namespace iot::waveform
