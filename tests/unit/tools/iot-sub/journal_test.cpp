#include "iot-sub/journal.hpp"

#include "stream/ack_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

TEST(Journal, DrainsWhatAnEarlierRunLeftThenStartsAnew) {
  char tmpl[] = "/tmp/journal-test.XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string path = dir + "/j";
  {
    auto j = iot::sub::Journal::open(path);
    ASSERT_TRUE(j.ok());
    ASSERT_TRUE((*j)->append("one").ok());
    ASSERT_TRUE((*j)->append("two").ok());
  }
  {  // a half-written last line (a crash mid-write) is not replayed
    std::ofstream(path, std::ios::app) << "thr";
  }
  std::string out_path = dir + "/out";
  int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  {
    iot::stream::LineWriter out(fd, true);
    auto j = iot::sub::Journal::open(path);
    ASSERT_TRUE(j.ok());
    auto n = (*j)->drain(out);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 2u);
    auto again = (*j)->drain(out);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, 0u);
  }
  ::close(fd);
  std::ifstream in(out_path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "one\ntwo\n");
  std::filesystem::remove_all(dir);
}

namespace {

struct Dir {
  std::string path;
  Dir() {
    char tmpl[] = "/tmp/journal-test.XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~Dir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A line as iot-sub writes it with --journal: the position last.
std::string line_at(std::uint64_t pos) {
  return R"({"topic":"t","payload":{"n":)" + std::to_string(pos) + R"(},"jpos":)" + std::to_string(pos) + "}";
}

// Appends lines carrying the journal's next positions; returns the last.
std::uint64_t append_lines(iot::sub::Journal& j, int n) {
  std::uint64_t last = 0;
  for (int i = 0; i < n; ++i) {
    last = j.next_position();
    EXPECT_TRUE(j.append(line_at(last)).ok());
  }
  return last;
}

std::string drain_to_string(iot::sub::Journal& j, const std::string& out_path, std::uint64_t* count = nullptr) {
  int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  {
    iot::stream::LineWriter out(fd, true);
    auto n = j.drain(out);
    EXPECT_TRUE(n.ok());
    if (count && n.ok()) *count = *n;
  }
  ::close(fd);
  return read_all(out_path);
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST(Journal, WithAnAckFileARestartWritesOnlyWhatIsNotAcknowledged) {
  Dir dir;
  iot::sub::JournalOptions options{64u << 20, dir / "ack"};
  {
    auto j = iot::sub::Journal::open(dir / "j", options);
    ASSERT_TRUE(j.ok()) << j.error().message;
    EXPECT_EQ((*j)->next_position(), 1u);
    EXPECT_EQ(append_lines(**j, 5), 5u);
  }
  ASSERT_TRUE(iot::stream::write_ack_file(dir / "ack", 3).ok());
  auto j = iot::sub::Journal::open(dir / "j", options);
  ASSERT_TRUE(j.ok());
  std::uint64_t count = 0;
  EXPECT_EQ(drain_to_string(**j, dir / "out", &count), line_at(4) + "\n" + line_at(5) + "\n");
  EXPECT_EQ(count, 2u);
  // The acknowledged lines are gone from the journal, the others stay until acknowledged.
  EXPECT_EQ(read_all(dir / "j"), line_at(4) + "\n" + line_at(5) + "\n");
  EXPECT_EQ((*j)->next_position(), 6u);
  ASSERT_TRUE((*j)->append(line_at(6)).ok());
  EXPECT_EQ(read_all(dir / "j"), line_at(4) + "\n" + line_at(5) + "\n" + line_at(6) + "\n");
}

TEST(Journal, PositionsNeverGoBackEvenWhenTheJournalIsGone) {
  Dir dir;
  ASSERT_TRUE(iot::stream::write_ack_file(dir / "ack", 41).ok());
  auto j = iot::sub::Journal::open(dir / "j", {64u << 20, dir / "ack"});
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)->next_position(), 42u);
}

TEST(Journal, TrimsOnlyWhatTheAckFileAcknowledges) {
  Dir dir;
  const std::uint64_t max_bytes = 200;  // a few lines
  auto j = iot::sub::Journal::open(dir / "j", {max_bytes, dir / "ack"});
  ASSERT_TRUE(j.ok());
  std::string out;
  ASSERT_EQ(drain_to_string(**j, dir / "out"), "");
  // Nothing acknowledged: past max_bytes the journal keeps every line.
  append_lines(**j, 20);
  EXPECT_EQ(read_all(dir / "j").find(line_at(1) + "\n"), 0u);
  EXPECT_GT((*j)->size(), 2 * max_bytes);
  // Acknowledged up to 15: the next append past the limit drops 1..15.
  ASSERT_TRUE(iot::stream::write_ack_file(dir / "ack", 15).ok());
  append_lines(**j, 1);
  std::string kept = read_all(dir / "j");
  std::string want;
  for (int p = 16; p <= 21; ++p) want += line_at(p) + "\n";
  EXPECT_EQ(kept, want);
  EXPECT_FALSE(std::filesystem::exists(dir / "j.tmp"));
  // A broken ack file keeps every line (and says so), never trims on a guess.
  write_file(dir / "ack", "garbage");
  append_lines(**j, 30);
  EXPECT_EQ(read_all(dir / "j").find(line_at(16) + "\n"), 0u);
}

TEST(Journal, WithoutAnAckFileItStartsAnewPastTheLimit) {
  Dir dir;
  auto j = iot::sub::Journal::open(dir / "j", {200, ""});
  ASSERT_TRUE(j.ok());
  append_lines(**j, 10);
  EXPECT_LT((*j)->size(), 200u + line_at(10).size() + 1);
  EXPECT_EQ((*j)->next_position(), 11u);
}

TEST(Journal, AMalformedAckFileStopsTheStartWithAClearMessage) {
  Dir dir;
  write_file(dir / "ack", "{\"jpos\": twelve}\n");
  auto j = iot::sub::Journal::open(dir / "j", {64u << 20, dir / "ack"});
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.error().message.find("ack file " + (dir / "ack")), std::string::npos) << j.error().message;
  EXPECT_NE(j.error().message.find("{\"jpos\":N}"), std::string::npos) << j.error().message;
}

TEST(Journal, AHalfWrittenLastLineIsDroppedBeforeAppending) {
  Dir dir;
  {
    auto j = iot::sub::Journal::open(dir / "j", {64u << 20, dir / "ack"});
    ASSERT_TRUE(j.ok());
    append_lines(**j, 2);
  }
  { std::ofstream(dir / "j", std::ios::app) << R"({"topic":"t","pay)"; }
  auto j = iot::sub::Journal::open(dir / "j", {64u << 20, dir / "ack"});
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)->next_position(), 3u);
  ASSERT_TRUE((*j)->append(line_at(3)).ok());
  EXPECT_EQ(read_all(dir / "j"), line_at(1) + "\n" + line_at(2) + "\n" + line_at(3) + "\n");
}
