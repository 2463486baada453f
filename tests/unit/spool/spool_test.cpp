#include "spool/spool.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace iot::spool {
namespace {

std::filesystem::path fresh_dir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / (std::string("iot-spool-test-") + name + "-" +
                                                       std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(Spool, KeepsOrderAcrossReopen) {
  auto dir = fresh_dir("order");
  {
    auto s = Spool::open(dir.string());
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->push("one"));
    ASSERT_TRUE((*s)->push("two"));
    ASSERT_TRUE((*s)->push("three"));
    auto f = (*s)->front();
    ASSERT_TRUE(f && *f);
    EXPECT_EQ(**f, "one");
    ASSERT_TRUE((*s)->pop());
    EXPECT_EQ((*s)->size(), 2u);
  }
  auto s = Spool::open(dir.string());  // the next run picks up the rest, in order
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->size(), 2u);
  EXPECT_EQ((*s)->bytes(), 8u);
  EXPECT_EQ(**(*s)->front(), "two");
  ASSERT_TRUE((*s)->pop());
  ASSERT_TRUE((*s)->push("four"));
  EXPECT_EQ(**(*s)->front(), "three");
  ASSERT_TRUE((*s)->pop());
  EXPECT_EQ(**(*s)->front(), "four");
  ASSERT_TRUE((*s)->pop());
  EXPECT_TRUE((*s)->empty());
  EXPECT_FALSE(*(*s)->front());
  std::filesystem::remove_all(dir);
}

TEST(Spool, IsBounded) {
  auto dir = fresh_dir("bound");
  auto s = Spool::open(dir.string(), {10, 100});
  ASSERT_TRUE(s);
  ASSERT_TRUE((*s)->push("12345"));
  auto full = (*s)->push("123456");
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().reason, "spool_full");
  EXPECT_EQ((*s)->size(), 1u);
  std::filesystem::remove_all(dir);
}

TEST(Spool, OneOwnerAtATimeAndTempFilesIgnored) {
  auto dir = fresh_dir("lock");
  auto a = Spool::open(dir.string());
  ASSERT_TRUE(a);
  auto b = Spool::open(dir.string());
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().reason, "spool_locked");
  a->reset();
  std::ofstream(dir / ".tmp-99") << "half a batch";
  std::ofstream(dir / "notes.txt") << "not ours";
  auto c = Spool::open(dir.string());
  ASSERT_TRUE(c);
  EXPECT_TRUE((*c)->empty());
  EXPECT_FALSE(std::filesystem::exists(dir / ".tmp-99"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace iot::spool
