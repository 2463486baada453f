#include "core/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>

namespace iot {
namespace {

std::string temp_path(const char* name) {
  return ::testing::TempDir() + "file_io_test_" + std::to_string(::getpid()) + "_" + name;
}

TEST(WriteFully, WritesEveryByteOfALargeBuffer) {
  const std::string path = temp_path("big");
  const std::string bytes(3 << 20, 'x');  // larger than one write to a pipe or a page cache chunk
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(write_fully(fd, bytes));
  ::close(fd);
  std::ifstream in(path, std::ios::binary);
  std::stringstream read;
  read << in.rdbuf();
  EXPECT_EQ(read.str().size(), bytes.size());
  EXPECT_EQ(read.str(), bytes);
  std::remove(path.c_str());
}

TEST(WriteFully, AClosedDescriptorFailsWithErrno) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  ::close(fds[1]);
  errno = 0;
  EXPECT_FALSE(write_fully(fds[1], "abc"));
  EXPECT_EQ(errno, EBADF);
}

TEST(MakeDirectories, CreatesEveryMissingParentWithTheMode) {
  std::string root = temp_path("tree");
  std::string leaf = root + "/a/b/c";
  ASSERT_TRUE(make_directories(leaf + "/", 0700));
  struct stat st {};
  ASSERT_EQ(::stat(leaf.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_TRUE(make_directories(leaf, 0700)) << "an existing folder is fine";
  for (const char* d : {"/a/b/c", "/a/b", "/a", ""}) ::rmdir((root + d).c_str());
}

TEST(MakeDirectories, AFileInTheWayFails) {
  std::string file = temp_path("plain_file");
  std::ofstream(file) << "x";
  errno = 0;
  EXPECT_FALSE(make_directories(file, 0755));
  EXPECT_EQ(errno, ENOTDIR);
  errno = 0;
  EXPECT_FALSE(make_directories(file + "/below", 0755));
  EXPECT_EQ(errno, ENOTDIR);
  EXPECT_FALSE(make_directories("", 0755));
  std::remove(file.c_str());
}

TEST(FsyncDirectory, AFolderSyncsAndAMissingOneFails) {
  EXPECT_TRUE(fsync_directory(::testing::TempDir()));
  errno = 0;
  EXPECT_FALSE(fsync_directory(temp_path("no_such_folder")));
  EXPECT_EQ(errno, ENOENT);
}

}  // namespace
}  // namespace iot
