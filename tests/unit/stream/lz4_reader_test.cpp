// The lz4 line reader (common/stream/lz4_reader.cpp) on its own: the sniffed
// prefix and the descriptor make one input, however the bytes are split;
// frames follow one another; a checksum catches damage.
#include <gtest/gtest.h>

#include "stream/compressed_reader.hpp"
#include "test_util.hpp"

namespace iot::stream::detail {
namespace {

using testing::lines_of;

TEST(Lz4Reader, PrefixAndDescriptorAreOneInputWhereverTheySplit) {
  const std::string data = testing::numbered_lines(500);
  const std::string packed = testing::lz4_frame(data, true);
  for (std::size_t prefix : {std::size_t{0}, std::size_t{3}, std::size_t{4}, std::size_t{11}, packed.size()}) {
    for (std::size_t piece : {std::size_t{1}, std::size_t{5}, std::size_t{4096}}) {
      SCOPED_TRACE("prefix " + std::to_string(prefix) + ", piece " + std::to_string(piece));
      testing::FedPipe pipe(packed.substr(prefix), piece);
      auto reader = make_lz4_reader(pipe.fd(), false, "in.lz4", 1 << 20, packed.substr(0, prefix));
      EXPECT_EQ(lines_of(*reader), testing::newline_terminated_lines(data));
      EXPECT_EQ(reader->error(), nullptr);
    }
  }
}

TEST(Lz4Reader, ConcatenatedFrames) {
  struct Row {
    const char* what;
    std::string packed;
    std::vector<std::string> lines;
  } rows[] = {
      {"one frame", testing::lz4_frame("a\nb\n"), {"a", "b"}},
      {"two frames, a line across them", testing::lz4_frame("one\ntw") + testing::lz4_frame("o\nthree"),
       {"one", "two", "three"}},
      {"an empty frame between", testing::lz4_frame("x\n") + testing::lz4_frame("") + testing::lz4_frame("y"),
       {"x", "y"}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.what);
    testing::FedPipe pipe(row.packed, 2);
    auto reader = make_lz4_reader(pipe.fd(), false, "in.lz4", 1 << 20, "");
    EXPECT_EQ(lines_of(*reader), row.lines);
    EXPECT_EQ(reader->error(), nullptr) << reader->error()->message;
  }
}

TEST(Lz4Reader, DamageEndsTheStreamWithAnErrorNamingTheSource) {
  const std::string data = testing::numbered_lines(2000);
  std::string packed = testing::lz4_frame(data, true);
  std::string flipped = packed;
  for (std::size_t i = flipped.size() / 2; i < flipped.size() / 2 + 32; ++i) flipped[i] = char(flipped[i] ^ 0x5a);
  // Flipped bytes are only noticed by the content checksum at the end of the
  // frame, so lines decoded from them may come through before the error;
  // a cut file delivers exact lines only.
  struct Row {
    const char* what;
    std::string bytes;
    const char* reason;
    bool exact_lines;
  } rows[] = {
      {"cut short", packed.substr(0, packed.size() / 2), nullptr, true},
      {"bytes flipped under a checksum", flipped, "decode", false},
      {"a bad frame header", std::string("\x04\x22\x4d\x18\xff\xff\xff", 7), "decode", true},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.what);
    testing::FedPipe pipe(row.bytes, 512);
    auto reader = make_lz4_reader(pipe.fd(), false, "damaged.lz4", 1 << 20, "");
    auto got = lines_of(*reader);
    ASSERT_NE(reader->error(), nullptr);
    EXPECT_NE(reader->error()->message.find("damaged.lz4"), std::string::npos) << reader->error()->message;
    if (row.reason) {
      EXPECT_EQ(reader->error()->reason, row.reason);
    }
    auto all = testing::newline_terminated_lines(data);
    ASSERT_LE(got.size(), all.size());
    if (!row.exact_lines) continue;
    for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], all[i]) << "line " << i + 1;
  }
}

}  // namespace
}  // namespace iot::stream::detail
