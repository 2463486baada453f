// The gzip line reader (common/stream/gzip_reader.cpp) on its own: the
// sniffed prefix and the descriptor make one input, however the bytes are
// split; gzip and zlib headers are both read; members follow one another.
#include <gtest/gtest.h>

#include "stream/compressed_reader.hpp"
#include "test_util.hpp"

namespace iot::stream::detail {
namespace {

using testing::lines_of;

std::string zlib_wrapped(std::string_view data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
           static_cast<uLong>(data.size()));
  out.resize(size);
  return out;
}

TEST(GzipReader, PrefixAndDescriptorAreOneInputWhereverTheySplit) {
  const std::string data = testing::numbered_lines(500);
  const std::string packed = testing::gzip(data);
  for (std::size_t prefix : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{10}, packed.size()}) {
    for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
      SCOPED_TRACE("prefix " + std::to_string(prefix) + ", piece " + std::to_string(piece));
      testing::FedPipe pipe(packed.substr(prefix), piece);
      auto reader = make_gzip_reader(pipe.fd(), false, "in.gz", 1 << 20, packed.substr(0, prefix));
      EXPECT_EQ(lines_of(*reader), testing::newline_terminated_lines(data));
      EXPECT_EQ(reader->error(), nullptr);
    }
  }
}

TEST(GzipReader, ZlibHeadersAndConcatenatedMembers) {
  struct Row {
    const char* what;
    std::string packed;
    std::vector<std::string> lines;
  } rows[] = {
      {"zlib header", zlib_wrapped("{\"a\":1}\n{\"b\":2}\n"), {"{\"a\":1}", "{\"b\":2}"}},
      {"two gzip members", testing::gzip("one\ntw") + testing::gzip("o\nthree"), {"one", "two", "three"}},
      {"an empty member between", testing::gzip("x\n") + testing::gzip("") + testing::gzip("y\n"), {"x", "y"}},
      {"the last line without newline", testing::gzip("a\r\nb"), {"a", "b"}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.what);
    testing::FedPipe pipe(row.packed, 3);
    auto reader = make_gzip_reader(pipe.fd(), false, "in.gz", 1 << 20, "");
    EXPECT_EQ(lines_of(*reader), row.lines);
    EXPECT_EQ(reader->error(), nullptr) << reader->error()->message;
  }
}

TEST(GzipReader, DamageEndsTheStreamWithAnErrorNamingTheSource) {
  const std::string data = testing::numbered_lines(2000);
  std::string packed = testing::gzip(data);
  struct Row {
    const char* what;
    std::string bytes;
    const char* reason;
  } rows[] = {
      {"cut short", packed.substr(0, packed.size() - 10), nullptr},
      {"not gzip at all", std::string("\x1f\x8b") + std::string(100, 'x'), "decode"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.what);
    testing::FedPipe pipe(row.bytes, 512);
    auto reader = make_gzip_reader(pipe.fd(), false, "damaged.gz", 1 << 20, "");
    auto got = lines_of(*reader);
    ASSERT_NE(reader->error(), nullptr);
    EXPECT_NE(reader->error()->message.find("damaged.gz"), std::string::npos) << reader->error()->message;
    if (row.reason) {
      EXPECT_EQ(reader->error()->reason, row.reason);
    }
    auto all = testing::newline_terminated_lines(data);
    ASSERT_LE(got.size(), all.size());
    for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], all[i]) << "line " << i + 1;
  }
}

}  // namespace
}  // namespace iot::stream::detail
