// Per-line warnings: the first kRepeatsShown of a kind are written, the rest
// counted and summed up at exit; at --log-level debug every one is written.
#include "core/log.hpp"

#include <gtest/gtest.h>

#include <string>

namespace iot::log {
namespace {

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string run(std::string_view level, int dups, int others) {
  configure("iot-test", "text", level);
  testing::internal::CaptureStderr();
  for (int i = 0; i < dups; ++i) warn_repeated("rejected (duplicate)", "line {} is a duplicate", i);
  for (int i = 0; i < others; ++i) warn_repeated("rejected (schema)", "line {} breaks the schema", i);
  report_repeats();
  return testing::internal::GetCapturedStderr();
}

TEST(WarnRepeated, FirstFiveThenCounted) {
  std::string err = run("info", 12, 2);
  EXPECT_EQ(count_of(err, "is a duplicate"), kRepeatsShown);
  EXPECT_NE(err.find("line 4 is a duplicate"), std::string::npos);
  EXPECT_EQ(err.find("line 5 is a duplicate"), std::string::npos);
  EXPECT_EQ(count_of(err, "further \"rejected (duplicate)\" warnings are only counted"), 1);
  EXPECT_NE(err.find("\"rejected (duplicate)\": 12 in all, 7 not shown"), std::string::npos) << err;
  // Another kind has its own count, and nothing held back means no summary.
  EXPECT_EQ(count_of(err, "breaks the schema"), 2);
  EXPECT_EQ(err.find("\"rejected (schema)\":"), std::string::npos);
}

TEST(WarnRepeated, DebugWritesEveryOne) {
  std::string err = run("debug", 12, 0);
  EXPECT_EQ(count_of(err, "is a duplicate"), 12);
  EXPECT_EQ(err.find("only counted"), std::string::npos);
  EXPECT_EQ(err.find("not shown"), std::string::npos);
}

TEST(WarnRepeated, ErrorLevelWritesNone) {
  std::string err = run("error", 12, 0);
  EXPECT_EQ(err, "");
}

TEST(WarnRepeated, CountsStartAgainAfterReport) {
  run("info", 12, 0);
  std::string err = run("info", 3, 0);
  EXPECT_EQ(count_of(err, "is a duplicate"), 3);
  EXPECT_EQ(err.find("not shown"), std::string::npos);
}

}  // namespace
}  // namespace iot::log
