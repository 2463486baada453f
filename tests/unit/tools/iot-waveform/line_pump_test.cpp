#include "iot-waveform/line_pump.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace iot::waveform {
namespace {

TEST(LinePump, DeliversEveryLineOfEveryFileInOrderThenEnds) {
  char dir[] = "/tmp/wf-pump-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string a = std::string(dir) + "/a", b = std::string(dir) + "/b";
  {
    std::ofstream fa(a), fb(b);
    for (int i = 0; i < 500; ++i) fa << "line " << i << "\n";
    fb << "last";
  }
  LinePump pump({a, b});
  PumpedLine line;
  std::vector<std::string> got;
  for (;;) {
    auto r = pump.next(line, std::chrono::milliseconds(5000));
    ASSERT_NE(r, LinePump::Got::idle);
    if (r == LinePump::Got::end) break;
    got.push_back(line.text);
  }
  ASSERT_EQ(got.size(), 501u);
  EXPECT_EQ(got[0], "line 0");
  EXPECT_EQ(got[499], "line 499");
  EXPECT_EQ(got[500], "last");
  EXPECT_EQ(line.number, 1u);
  EXPECT_EQ(*line.source, b);
  EXPECT_FALSE(pump.error());
  std::remove(a.c_str());
  std::remove(b.c_str());
  rmdir(dir);
}

TEST(LinePump, QuietInputIsIdleNotEnd) {
  char dir[] = "/tmp/wf-pump-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string fifo = std::string(dir) + "/p";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  LinePump pump({fifo});
  FILE* w = std::fopen(fifo.c_str(), "w");  // opens once the pump's reader has opened it
  ASSERT_NE(w, nullptr);
  PumpedLine line;
  EXPECT_EQ(pump.next(line, std::chrono::milliseconds(100)), LinePump::Got::idle);
  std::fputs("hello\n", w);
  std::fflush(w);
  ASSERT_EQ(pump.next(line, std::chrono::milliseconds(5000)), LinePump::Got::line);
  EXPECT_EQ(line.text, "hello");
  std::fclose(w);
  EXPECT_EQ(pump.next(line, std::chrono::milliseconds(5000)), LinePump::Got::end);
  std::remove(fifo.c_str());
  rmdir(dir);
}

TEST(LinePump, MissingFileEndsWithAnError) {
  LinePump pump({"/nonexistent/wf-input"});
  PumpedLine line;
  EXPECT_EQ(pump.next(line, std::chrono::milliseconds(5000)), LinePump::Got::end);
  EXPECT_TRUE(pump.error());
}

}  // namespace
}  // namespace iot::waveform
