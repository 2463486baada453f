#include "waveform/verify_blob.hpp"

#include <gtest/gtest.h>

#include "codec/lz4.hpp"
#include "waveform/digest.hpp"
#include "waveform/samples.hpp"

namespace iot::waveform {
namespace {

Outcome outcome_for(const std::string& blob, std::uint64_t samples, std::string format = "float32_le") {
  Outcome o;
  o.complete = CompleteMessage{"id", 1, blob.size(), 10000, samples, std::move(format), sha256_hex(blob), {}};
  return o;
}

TEST(VerifyBlob, AcceptsPythonSizePrefixedBlock) {
  std::string raw = encode_float32(std::vector<double>(100, 0.5));
  std::string blob = codec::lz4_block_compress_sized(raw);
  Outcome o = outcome_for(blob, 100);
  verify_blob(o, blob);
  EXPECT_EQ(o.status, UploadStatus::ok) << o.detail;
  EXPECT_EQ(o.compression, "lz4_block");
  EXPECT_EQ(o.samples, raw);
}

TEST(VerifyBlob, SampleCountMismatchIsBadChunk) {
  std::string blob = codec::lz4_frame_compress(encode_float32(std::vector<double>(100, 0.5)));
  Outcome o = outcome_for(blob, 101);
  verify_blob(o, blob);
  EXPECT_EQ(o.status, UploadStatus::bad_chunk);
  Outcome shorter = outcome_for(blob, 99);
  verify_blob(shorter, blob);
  EXPECT_EQ(shorter.status, UploadStatus::bad_chunk);
}

TEST(VerifyBlob, WrongChecksumAndWrongSize) {
  std::string blob = codec::lz4_frame_compress(std::string(400, 'a'));
  Outcome o = outcome_for(blob, 100);
  o.complete->checksum_sha256 = std::string(64, '0');
  verify_blob(o, blob);
  EXPECT_EQ(o.status, UploadStatus::checksum_mismatch);
  Outcome sized = outcome_for(blob, 100);
  sized.complete->total_bytes += 1;
  verify_blob(sized, blob);
  EXPECT_EQ(sized.status, UploadStatus::bad_chunk);
}

TEST(VerifyBlob, GarbageWithRightChecksumIsBadChunk) {
  std::string blob = "this is not lz4 at all";
  Outcome o = outcome_for(blob, 100);
  verify_blob(o, blob);
  EXPECT_EQ(o.status, UploadStatus::bad_chunk);
  Outcome fmt = outcome_for(blob, 100, "float64_be");
  verify_blob(fmt, blob);
  EXPECT_EQ(fmt.status, UploadStatus::bad_chunk);
}

}  // namespace
}  // namespace iot::waveform
