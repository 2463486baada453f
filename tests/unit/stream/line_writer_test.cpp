#include "stream/line_writer.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "test_util.hpp"

namespace iot::stream {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string read_available(int fd) {
  std::string out;
  char buf[4096];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, std::size_t(n));
  }
  return out;
}

TEST(LineWriter, FileIsBufferedThenFlushed) {
  testing::TempDir dir;
  std::string path = dir.path("out.ndjson");
  auto w = LineWriter::open(path);
  ASSERT_TRUE(w);
  ASSERT_TRUE((*w)->write_line("{\"a\":1}"));
  ASSERT_TRUE((*w)->write_line(""));
  EXPECT_EQ(slurp(path), "");  // a file is not flushed per line
  ASSERT_TRUE((*w)->flush());
  EXPECT_EQ(slurp(path), "{\"a\":1}\n\n");
  ASSERT_TRUE((*w)->sync());
}

TEST(LineWriter, FlushesAt64KiBAndOnDestruction) {
  testing::TempDir dir;
  std::string path = dir.path("big.ndjson");
  {
    auto w = LineWriter::open(path);
    std::string line(1000, 'x');
    for (int i = 0; i < 70; ++i) ASSERT_TRUE((*w)->write_line(line));
    EXPECT_GE(slurp(path).size(), LineWriter::kFlushAt);
  }
  EXPECT_EQ(slurp(path).size(), 70u * 1001);
}

TEST(LineWriter, TruncatesOrAppends) {
  testing::TempDir dir;
  std::string path = dir.file("f", "old\n");
  (void)(*LineWriter::open(path, true))->write_line("new");
  EXPECT_EQ(slurp(path), "old\nnew\n");
  (void)(*LineWriter::open(path, false))->write_line("only");
  EXPECT_EQ(slurp(path), "only\n");
}

TEST(LineWriter, PipeGetsEveryLineAtOnce) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_TRUE(LineWriter::wants_line_flush(fds[1]));
  LineWriter w(fds[1], LineWriter::wants_line_flush(fds[1]));
  ASSERT_TRUE(w.write_line("one"));
  EXPECT_EQ(read_available(fds[0]), "one\n");
  ASSERT_TRUE(w.write_line("two"));
  EXPECT_EQ(read_available(fds[0]), "two\n");
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(LineWriter, PartsOfALineGoOutInLargeWritesEvenToAPipe) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_GE(::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20), int(LineWriter::kFlushAt));
  LineWriter w(fds[1], /*line_flush=*/true);
  ASSERT_TRUE(w.write_part("{\"a\":"));
  EXPECT_EQ(read_available(fds[0]), "");  // a part waits for more
  std::string big(LineWriter::kFlushAt, 'x');
  ASSERT_TRUE(w.write_part(big));
  EXPECT_EQ(read_available(fds[0]).size(), LineWriter::kFlushAt + 5);  // full: written
  ASSERT_TRUE(w.write_part("}\n"));
  ASSERT_TRUE(w.flush());
  EXPECT_EQ(read_available(fds[0]), "}\n");
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(LineWriter, ClosedReaderIsAnIoErrorNotASignal) {
  std::signal(SIGPIPE, SIG_IGN);  // as cli::run_tool does
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  {
    LineWriter w(fds[1], true);
    auto st = w.write_line("lost");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().kind, ErrorKind::io);
    EXPECT_EQ(st.error().reason, "io");
    EXPECT_EQ(st.error().message, "output closed");
    EXPECT_FALSE(w.write_line("again"));  // stays failed
    EXPECT_FALSE(w.flush());
  }
  ::close(fds[1]);
}

TEST(LineWriter, OpenErrorNamesThePath) {
  auto w = LineWriter::open("/nonexistent-dir/x.ndjson");
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().kind, ErrorKind::io);
  EXPECT_NE(w.error().message.find("/nonexistent-dir/x.ndjson"), std::string::npos);
}

}  // namespace
}  // namespace iot::stream
