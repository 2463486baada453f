// The logger (common/core/log.cpp): what reaches standard error for each
// format and level. Standard error is redirected to a temp file per check.
#include "core/log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
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
