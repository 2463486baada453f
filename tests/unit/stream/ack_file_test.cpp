#include "stream/ack_file.hpp"

#include <gtest/gtest.h>

#include "support/file_text.hpp"
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.hpp"

namespace iot::stream {
namespace {

using testing::TempDir;

using test::file_text;

TEST(AckFile, WrittenAndReadBack) {
  TempDir dir;
  const std::string path = dir.path("ack");
  ASSERT_TRUE(write_ack_file(path, 17).ok());
  EXPECT_EQ(file_text(path), "{\"jpos\":17}\n");
  auto read = read_ack_file(path);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, 17u);
  // Replaced, not appended to; no temporary file left behind.
  ASSERT_TRUE(write_ack_file(path, 18446744073709551615u).ok());
  EXPECT_EQ(*read_ack_file(path), 18446744073709551615u);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(AckFile, MissingOrEmptyIsNothingAcknowledged) {
  TempDir dir;
  auto missing = read_ack_file(dir.path("none"));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(*missing, 0u);
  auto empty = read_ack_file(dir.file("empty", ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, 0u);
}

TEST(AckFile, AcceptsSpacesAroundTheOneMember) {
  EXPECT_EQ(*parse_ack_text(" { \"jpos\" : 5 }\r\n"), 5u);
  EXPECT_EQ(*parse_ack_text("{\"jpos\":0}"), 0u);
}

TEST(AckFile, MalformedGetsAClearMessage) {
  TempDir dir;
  struct Case {
    std::string text, says;
  };
  for (const auto& c : std::vector<Case>{{"17\n", "not an ack file: found \"17\""},
                                         {"{\"jpos\":-3}", "jpos is not a non-negative integer"},
                                         {"{\"jpos\":\"3\"}", "jpos is not a non-negative integer"},
                                         {"{\"jpos\":1e3}", "not an ack file"},
                                         {"{\"jpos\":99999999999999999999}", "beyond 64 bits"},
                                         {"{\"jpos\":3,\"x\":1}", "not an ack file"},
                                         {"{\"pos\":3}", "not an ack file"},
                                         {"{\"jpos\":3}\n{\"jpos\":4}\n", "not an ack file"},
                                         {std::string(5000, ' ') + "x", "over 4096 bytes"}}) {
    auto r = read_ack_file(dir.file("bad", c.text));
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().reason, "bad_ack_file");
    EXPECT_NE(r.error().message.find("ack file " + dir.path("bad") + ": "), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("{\"jpos\":N}"), std::string::npos) << r.error().message;
  }
}

TEST(AckFile, WriteFailsClearlyWhereItCannotWrite) {
  TempDir dir;
  auto st = write_ack_file(dir.path("no-such-folder/ack"), 1);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("no-such-folder/ack.tmp"), std::string::npos) << st.error().message;
}

TEST(JournalPosition, FoundOnlyAsTheLastMember) {
  EXPECT_EQ(journal_position(R"({"topic":"t","payload":{"n":7},"jpos":7})"), 7u);
  EXPECT_EQ(journal_position(R"({"topic":"t","payload":1,"jpos":18446744073709551615})"), 18446744073709551615u);
  EXPECT_EQ(journal_position(R"({"topic":"t","payload":1,"jpos":18446744073709551616})"), 0u);  // beyond 64 bits
  EXPECT_EQ(journal_position(R"({"topic":"t","payload":1})"), 0u);
  EXPECT_EQ(journal_position(R"({"topic":"t","payload":1,"fields":{"jpos":5}})"), 0u);  // not ours
  EXPECT_EQ(journal_position(R"({"jpos":5})"), 0u);                                    // a bare payload
  EXPECT_EQ(journal_position(R"({"topic":"t","payload":1,"xjpos":5})"), 0u);
  EXPECT_EQ(journal_position(R"({"topic":"t","payload":1,"jpos":})"), 0u);
  EXPECT_EQ(journal_position(R"({"topic": "t", "payload": 1, "jpos": 12} )"), 12u);  // as Python's json writes it
  EXPECT_EQ(journal_position(R"({"topic":"t","payload":1,"jpos" : 3 })"), 3u);
  EXPECT_EQ(journal_position(R"({"topic":"t","payload":"x,\"jpos\":4}"})"), 0u);  // inside a string
  EXPECT_EQ(journal_position("one"), 0u);
  EXPECT_EQ(journal_position(""), 0u);
}

}  // namespace
}  // namespace iot::stream
