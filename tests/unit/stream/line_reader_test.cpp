#include "stream/line_reader.hpp"

#include <unistd.h>

#include <fstream>
#include <random>
#include <vector>

#include "test_util.hpp"

namespace iot::stream {
namespace {

using testing::FedPipe;
using testing::TempDir;

struct Got {
  std::vector<std::string> texts;
  std::vector<std::uint64_t> numbers;
  std::vector<std::uint64_t> too_long;
};

Got drain(LineReader& reader) {
  Got got;
  Line line;
  while (reader.next(line)) {
    if (line.too_long) {
      got.too_long.push_back(line.number);
      EXPECT_TRUE(line.text.empty());
    } else {
      got.texts.emplace_back(line.text);
      got.numbers.push_back(line.number);
    }
  }
  return got;
}

// drain, asking line_buffered() before and after each line as the tools do
// (the reader then starts the next line at the newline that call found).
Got drain_asking_buffered(LineReader& reader) {
  Got got;
  Line line;
  for (;;) {
    reader.line_buffered();
    if (!reader.next(line)) break;
    reader.line_buffered();
    if (line.too_long) {
      got.too_long.push_back(line.number);
    } else {
      got.texts.emplace_back(line.text);
      got.numbers.push_back(line.number);
    }
  }
  return got;
}

Got split(std::string_view data, std::size_t chunk, std::size_t max_line = 1 << 20) {
  MemoryLineReader reader(data, "mem", max_line, chunk);
  auto got = drain(reader);
  EXPECT_EQ(reader.error(), nullptr);
  return got;
}

TEST(LineReader, SplitsLinesAtEveryChunkSize) {
  std::string data = "{\"a\":1}\n{\"b\":22}\r\n\n{\"c\":333}";
  for (std::size_t chunk : {1, 2, 3, 5, 7, 64, 1 << 20}) {
    auto got = split(data, chunk);
    EXPECT_EQ(got.texts, (std::vector<std::string>{"{\"a\":1}", "{\"b\":22}", "{\"c\":333}"})) << chunk;
    EXPECT_EQ(got.numbers, (std::vector<std::uint64_t>{1, 2, 4})) << chunk;  // the empty line 3 is counted
  }
}

TEST(LineReader, EmptyInputAndOnlyNewlines) {
  EXPECT_TRUE(split("", 4).texts.empty());
  auto got = split("\n\n\r\n\n", 1);
  EXPECT_TRUE(got.texts.empty());
  EXPECT_TRUE(got.too_long.empty());
}

TEST(LineReader, KeepsNulBytesAndInnerCarriageReturns) {
  std::string data("a\0b\n", 4);
  data += "x\ry\r\n";
  auto got = split(data, 2);
  ASSERT_EQ(got.texts.size(), 2u);
  EXPECT_EQ(got.texts[0], std::string("a\0b", 3));
  EXPECT_EQ(got.texts[1], "x\ry");
}

TEST(LineReader, LinesLongerThanTheReadBufferAreWhole) {
  std::string big(LineReader::kReadBuffer * 3 + 17, 'x');
  std::string data = "first\n" + big + "\nlast";
  for (std::size_t chunk : {4096, 100000, 1 << 20}) {
    auto got = split(data, chunk, big.size());
    ASSERT_EQ(got.texts.size(), 3u);
    EXPECT_EQ(got.texts[1], big);
    EXPECT_EQ(got.texts[2], "last");
  }
}

TEST(LineReader, OverLongLineIsSkippedAndNumbered) {
  std::string data = "ok1\n" + std::string(1000, 'y') + "\nok3\n" + std::string(11, 'z');
  for (std::size_t chunk : {1, 7, 300, 4096}) {
    auto got = split(data, chunk, 10);
    EXPECT_EQ(got.texts, (std::vector<std::string>{"ok1", "ok3"})) << chunk;
    EXPECT_EQ(got.too_long, (std::vector<std::uint64_t>{2, 4})) << chunk;
  }
  // Exactly at the cap is fine, also with a CR.
  auto got = split("0123456789\r\n", 3, 10);
  EXPECT_EQ(got.texts, std::vector<std::string>{"0123456789"});
}

// The reader against a plain reference splitter, over random inputs, small
// buffers, small reads and small caps: every boundary case gets crossed.
TEST(LineReader, AgreesWithReferenceSplitter) {
  std::mt19937 rng(42);
  const char alphabet[] = {'a', 'b', '\n', '\r', '\0', '{', '}'};
  for (int round = 0; round < 3000; ++round) {
    std::string data(rng() % 400, ' ');
    for (char& c : data) c = alphabet[rng() % sizeof alphabet];
    const std::size_t max_line = 1 + rng() % 40, chunk = 1 + rng() % 50, buffer = 16 + rng() % 100;
    Got want;
    std::uint64_t number = 0;
    std::size_t start = 0;
    while (start < data.size()) {
      std::size_t nl = data.find('\n', start);
      std::string text = data.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      start = nl == std::string::npos ? data.size() : nl + 1;
      ++number;
      if (!text.empty() && text.back() == '\r') text.pop_back();
      if (text.size() > max_line) want.too_long.push_back(number);
      else if (!text.empty()) {
        want.texts.push_back(text);
        want.numbers.push_back(number);
      }
    }
    MemoryLineReader reader(data, "mem", max_line, chunk, buffer);
    Got got = drain(reader);
    ASSERT_EQ(got.texts, want.texts) << "round " << round;
    ASSERT_EQ(got.numbers, want.numbers) << "round " << round;
    ASSERT_EQ(got.too_long, want.too_long) << "round " << round;
    MemoryLineReader asked(data, "mem", max_line, chunk, buffer);
    Got asked_got = drain_asking_buffered(asked);
    ASSERT_EQ(asked_got.texts, want.texts) << "round " << round;
    ASSERT_EQ(asked_got.numbers, want.numbers) << "round " << round;
    ASSERT_EQ(asked_got.too_long, want.too_long) << "round " << round;
  }
}

TEST(LineReader, PipeFedInSmallWrites) {
  std::string data = testing::numbered_lines(5000);
  FedPipe pipe(data, 13);
  LineReader reader(pipe.fd(), "-");
  auto got = drain(reader);
  ASSERT_EQ(got.texts.size(), 5000u);
  EXPECT_EQ(got.texts[4321].substr(0, 11), "{\"i\":4321,\"");
  EXPECT_EQ(got.numbers.back(), 5000u);
  EXPECT_EQ(reader.error(), nullptr);
}

// line_buffered: true while whole lines wait in the buffer, false once the
// next line would need a read from a quiet pipe, true at the end.
TEST(LineReader, LineBufferedSaysWhenNextWouldWait) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  LineReader reader(fds[0], "-");
  std::string first = "{\"a\":1}\n{\"b\":2}\n{\"c\":";
  ASSERT_EQ(::write(fds[1], first.data(), first.size()), static_cast<ssize_t>(first.size()));
  EXPECT_FALSE(reader.line_buffered());  // nothing read yet
  Line line;
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line.text, "{\"a\":1}");
  EXPECT_TRUE(reader.line_buffered());
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line.text, "{\"b\":2}");
  EXPECT_FALSE(reader.line_buffered());  // only half a line is left
  ASSERT_EQ(::write(fds[1], "3}\n", 3), 3);
  ::close(fds[1]);
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line.text, "{\"c\":3}");
  EXPECT_FALSE(reader.next(line));
  EXPECT_TRUE(reader.line_buffered());  // the end is known
  ::close(fds[0]);
}

long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmHWM:") {
      status >> value;
      return value;
    }
  }
  return -1;
}

// 64 MiB line under a 1 MiB cap, through a real pipe: skipped, reported, and
// never held in memory (the peak RSS grows by far less than the line).
TEST(LineReader, HugeLineUnderCapKeepsMemoryBounded) {
  std::ofstream("/proc/self/clear_refs") << "5";  // reset VmHWM (Linux >= 4.0)
  const long before = peak_rss_kib();
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([w = fds[1]] {
    std::string piece(64 << 10, 'x');
    bool ok = ::write(w, "{\"a\":1}\n", 8) == 8;
    for (int i = 0; ok && i < 1024; ++i) ok = ::write(w, piece.data(), piece.size()) == ssize_t(piece.size());
    if (ok) ok = ::write(w, "\n{\"b\":2}\n", 9) == 9;
    ::close(w);
  });
  LineReader reader(fds[0], "-", 1 << 20);
  auto got = drain(reader);
  writer.join();
  ::close(fds[0]);
  EXPECT_EQ(got.texts, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
  EXPECT_EQ(got.too_long, std::vector<std::uint64_t>{2});
  const long after = peak_rss_kib();
  ASSERT_GT(before, 0);
  EXPECT_LT(after - before, 16 * 1024) << "peak RSS grew by " << (after - before) << " KiB";
}

TEST(LineReader, OpensPlainGzipAndLz4FilesBySniffing) {
  TempDir dir;
  std::string data = testing::numbered_lines(20000) + "{\"tail\":true}";  // no final newline
  for (auto [name, content] : {std::pair<std::string, std::string>{"plain.ndjson", data},
                               {"packed.gz", testing::gzip(data)},
                               {"packed.lz4", testing::lz4_frame(data)},
                               {"misnamed.ndjson", testing::gzip(data)},
                               {"plain-but-named.gz", data}}) {
    auto reader = LineReader::open(dir.file(name, content));
    ASSERT_TRUE(reader) << reader.error().message;
    auto got = drain(**reader);
    EXPECT_EQ((*reader)->error(), nullptr) << name << ": " << (*reader)->error()->message;
    ASSERT_EQ(got.texts.size(), 20001u) << name;
    EXPECT_EQ(got.texts.back(), "{\"tail\":true}") << name;
  }
}

TEST(LineReader, ConcatenatedGzipMembersAndLz4Frames) {
  TempDir dir;
  auto gz = LineReader::open(dir.file("two.gz", testing::gzip("a\nb\n") + testing::gzip("c\n")));
  EXPECT_EQ(drain(**gz).texts, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ((*gz)->error(), nullptr);
  auto lz = LineReader::open(dir.file("two.lz4", testing::lz4_frame("a\nb") + testing::lz4_frame("c\n")));
  EXPECT_EQ(drain(**lz).texts, (std::vector<std::string>{"a", "bc"}));
  EXPECT_EQ((*lz)->error(), nullptr);
}

// A truncated file delivers every complete line before the damage, then
// ends with an error naming the file.
TEST(LineReader, TruncatedCompressedFilesDeliverWhatCameBefore) {
  TempDir dir;
  std::string data = testing::numbered_lines(40000);
  for (auto [name, packed] : {std::pair<std::string, std::string>{"cut.gz", testing::gzip(data)},
                              {"cut.lz4", testing::lz4_frame(data)}}) {
    std::string path = dir.file(name, packed.substr(0, packed.size() / 2));
    auto reader = LineReader::open(path);
    ASSERT_TRUE(reader);
    auto got = drain(**reader);
    ASSERT_NE((*reader)->error(), nullptr) << name;
    EXPECT_NE((*reader)->error()->message.find(path), std::string::npos) << (*reader)->error()->message;
    EXPECT_NE((*reader)->error()->message.find("truncated"), std::string::npos) << (*reader)->error()->message;
    EXPECT_GT(got.texts.size(), 1000u) << name;
    EXPECT_LT(got.texts.size(), 40000u) << name;
    for (std::size_t i = 0; i < got.texts.size(); ++i) {
      std::string prefix = "{\"i\":" + std::to_string(i) + ",";
      ASSERT_EQ(got.texts[i].substr(0, prefix.size()), prefix) << name;
      ASSERT_EQ(got.texts[i].back(), '}') << name << " line " << i + 1 << " is incomplete";
    }
  }
}

TEST(LineReader, CorruptCompressedDataIsAnError) {
  TempDir dir;
  std::string data = testing::numbered_lines(20000);
  for (auto [name, packed] : {std::pair<std::string, std::string>{"bad.gz", testing::gzip(data)},
                              {"bad.lz4", testing::lz4_frame(data, /*checksum=*/true)}}) {
    // Without a checksum lz4 cannot notice flipped literals; gzip always has a CRC.
    for (std::size_t i = packed.size() / 2; i < packed.size() / 2 + 64; ++i) packed[i] = char(packed[i] ^ 0x5a);
    auto reader = LineReader::open(dir.file(name, packed));
    ASSERT_TRUE(reader);
    auto got = drain(**reader);
    ASSERT_NE((*reader)->error(), nullptr) << name << " delivered " << got.texts.size();
    EXPECT_EQ((*reader)->error()->reason, "decode");
    EXPECT_LT(got.texts.size(), 20000u);
  }
}

TEST(LineReader, StdinIsSniffedToo) {
  std::string data = testing::numbered_lines(3000);
  for (auto packed : {testing::gzip(data), testing::lz4_frame(data), data}) {
    FedPipe pipe(packed, 3);  // the magic arrives split across reads
    int saved = ::dup(0);
    ASSERT_GE(::dup2(pipe.fd(), 0), 0);
    auto reader = LineReader::open("-");
    ASSERT_TRUE(reader);
    auto got = drain(**reader);
    ::dup2(saved, 0);
    ::close(saved);
    EXPECT_EQ((*reader)->source(), "-");
    EXPECT_EQ((*reader)->error(), nullptr);
    ASSERT_EQ(got.texts.size(), 3000u);
    EXPECT_EQ(got.texts[2999].substr(0, 10), "{\"i\":2999,");
  }
}

TEST(LineReader, OpenErrors) {
  TempDir dir;
  auto missing = LineReader::open(dir.path("nope.ndjson"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::io);
  EXPECT_NE(missing.error().message.find("nope.ndjson"), std::string::npos);
  auto directory = LineReader::open(dir.path(""));
  EXPECT_FALSE(directory);
}

}  // namespace
}  // namespace iot::stream
