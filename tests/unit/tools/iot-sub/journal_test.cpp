#include "iot-sub/journal.hpp"

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
