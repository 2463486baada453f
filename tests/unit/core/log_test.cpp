// The logger (common/core/log.cpp): what reaches standard error for each
// format and level. Standard error is redirected to a temp file per check.
#include "core/log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <nlohmann/json.hpp>

namespace iot::log {
namespace {

// What `write` puts on standard error.
std::string captured(const std::function<void()>& write) {
  std::fflush(stderr);
  std::FILE* file = std::tmpfile();
  int saved = ::dup(2);
  ::dup2(::fileno(file), 2);
  write();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::rewind(file);
  std::string text;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file)) > 0;) text.append(buf, n);
  std::fclose(file);
  return text;
}

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { configure("iot", "text", "info"); }
};

TEST_F(LogTest, TextLinesNameTheProgramAndLevel) {
  configure("iot-test", "text", "debug");
  EXPECT_EQ(captured([] { error("disk {} full", "/var"); }), "iot-test: error: disk /var full\n");
  EXPECT_EQ(captured([] { warn("w"); }), "iot-test: warning: w\n");
  EXPECT_EQ(captured([] { info("i {}", 1); }), "iot-test: info: i 1\n");
  EXPECT_EQ(captured([] { debug("d"); }), "iot-test: debug: d\n");
}

TEST_F(LogTest, LevelsFilterWhatIsLessSevere) {
  struct Row {
    const char* level;
    bool error, warn, info, debug;
  } rows[] = {
      {"error", true, false, false, false},
      {"warn", true, true, false, false},
      {"info", true, true, true, false},
      {"debug", true, true, true, true},
      {"bogus", true, true, true, false},  // anything else: info
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.level);
    configure("p", "text", row.level);
    EXPECT_EQ(enabled(Level::error), row.error);
    EXPECT_EQ(enabled(Level::warn), row.warn);
    EXPECT_EQ(enabled(Level::info), row.info);
    EXPECT_EQ(enabled(Level::debug), row.debug);
    EXPECT_EQ(!captured([] { warn("x"); }).empty(), row.warn);
    EXPECT_EQ(!captured([] { debug("x"); }).empty(), row.debug);
    EXPECT_FALSE(captured([] { error("x"); }).empty());  // errors always
  }
}

TEST_F(LogTest, JsonLinesAreOneObjectEach) {
  configure("iot-test", "json", "info");
  std::string line = captured([] { warn("quote \" and\nnewline, bad byte \xff"); });
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line, the newline inside escaped
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["program"], "iot-test");
  EXPECT_EQ(j["msg"], "quote \" and\nnewline, bad byte \xef\xbf\xbd");  // invalid UTF-8 replaced
  EXPECT_TRUE(j["ts_ms"].is_number_integer());
  EXPECT_GT(j["ts_ms"].get<std::int64_t>(), 1700000000000);
}

}  // namespace
}  // namespace iot::log

// Per-line warnings: the first kRepeatsShown of a kind are written, the rest
// counted and summed up at exit; at --log-level debug every one is written.
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
