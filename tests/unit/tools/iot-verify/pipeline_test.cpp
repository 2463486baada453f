#include "iot-verify/pipeline.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace iot::verify {
namespace {

// A file of n lines: good nested payloads, with bad JSON every 7th line.
std::string write_lines(std::size_t n) {
  std::string path = fmt::format("{}/pipeline_test_{}.ndjson", ::testing::TempDir(), ::getpid());
  std::ofstream out(path);
  for (std::size_t i = 1; i <= n; ++i) {
    if (i % 7 == 0) {
      out << "{not json " << i << "\n";
      continue;
    }
    out << fmt::format(
        R"({{"schema_version":"2.1","msg_id":"m{}","device_id":"P-{}","device_type":"pump","ts":1760000000000,)"
        R"("seq":{},"d":{{"t":{{"v":1.5,"q":192}}}}}})",
        i, i % 5, i)
        << "\n";
  }
  return path;
}

struct Outcome {
  std::vector<std::uint64_t> numbers;
  std::vector<std::string> texts;
  std::vector<std::string> reasons;
  bool ok = false;
};

// Reads path through `threads` workers; the consumer stops after stop_after lines.
Outcome read_through(const std::string& path, int threads, std::size_t stop_after = SIZE_MAX) {
  LineChecker checker(CheckerConfig{});
  Outcome r;
  ReadPlan plan{{path}, threads, 3};
  auto make = [&] { return std::make_unique<LineAnalyzer>(checker.routes(), checker.config()); };
  auto prefetch = [&](const LineAnalysis& a) { checker.prefetch(a); };
  r.ok = read_inputs(plan, make, prefetch, [&](const stream::Line& line, LineAnalysis* analysis) {
    EXPECT_EQ(analysis != nullptr, threads >= 2);
    Verdict v = analysis ? checker.apply(*analysis, 0) : checker.check(line.text, line.too_long, 0);
    r.numbers.push_back(line.number);
    r.texts.emplace_back(line.text);
    r.reasons.emplace_back(v.ok ? "ok" : v.reason);
    return r.numbers.size() < stop_after;
  });
  return r;
}

TEST(ReadInputs, WorkersKeepTheInputOrder) {
  std::string path = write_lines(5000);  // several batches of 1024 lines
  Outcome one = read_through(path, 1);
  ASSERT_TRUE(one.ok);
  ASSERT_EQ(one.numbers.size(), 5000u);
  EXPECT_EQ(one.reasons[6], "bad_json");
  for (int threads : {2, 4}) {
    Outcome many = read_through(path, threads);
    EXPECT_TRUE(many.ok);
    EXPECT_EQ(many.numbers, one.numbers) << threads;
    EXPECT_EQ(many.texts, one.texts) << threads;
    EXPECT_EQ(many.reasons, one.reasons) << threads;
  }
  std::remove(path.c_str());
}

// A consumer that stops early ends the reader and the workers (no hang).
TEST(ReadInputs, StoppingEarlyEndsEveryThread) {
  std::string path = write_lines(5000);
  Outcome r = read_through(path, 3, 10);
  EXPECT_TRUE(r.ok);
  ASSERT_EQ(r.numbers.size(), 10u);
  EXPECT_EQ(r.numbers.back(), 10u);
  std::remove(path.c_str());
}

// Adaptive, from a pipe: one thread until it is outpaced (here: once 1000
// lines are through), then the workers from the next line on; the lines,
// their numbers and verdicts are those of one thread all along, and the
// idle handler runs between reads on both sides of the hand-over.
TEST(ReadInputs, AdaptiveHandsOverToTheWorkersMidStream) {
  std::string path = write_lines(5000);  // ~600 KB: many reads through a 64 KiB pipe
  Outcome one = read_through(path, 1);
  ASSERT_TRUE(one.ok);
  std::string fifo = fmt::format("{}/pipeline_test_{}.fifo", ::testing::TempDir(), ::getpid());
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::ifstream in(path, std::ios::binary);
    std::ofstream out(fifo, std::ios::binary);
    out << in.rdbuf();
  });
  LineChecker checker(CheckerConfig{});
  Outcome r;
  std::size_t one_thread = 0, idles = 0, idles_at_handover = 0;
  ReadPlan plan{{fifo}, 2, 3};
  plan.adaptive = true;
  plan.outpaced = [&] {
    if (r.numbers.size() < 1000) return false;
    idles_at_handover = idles;
    return true;
  };
  auto make = [&] { return std::make_unique<LineAnalyzer>(checker.routes(), checker.config()); };
  auto prefetch = [&](const LineAnalysis& a) { checker.prefetch(a); };
  r.ok = read_inputs(
      plan, make, prefetch,
      [&](const stream::Line& line, LineAnalysis* analysis) {
        if (!analysis) ++one_thread;
        Verdict v = analysis ? checker.apply(*analysis, 0) : checker.check(line.text, line.too_long, 0);
        r.numbers.push_back(line.number);
        r.texts.emplace_back(line.text);
        r.reasons.emplace_back(v.ok ? "ok" : v.reason);
        return true;
      },
      [&] {
        ++idles;
        return true;
      });
  writer.join();
  std::remove(fifo.c_str());
  std::remove(path.c_str());
  EXPECT_TRUE(r.ok);
  EXPECT_GE(one_thread, 1000u);
  EXPECT_LT(one_thread, 5000u);
  EXPECT_GT(idles_at_handover, 0u);
  EXPECT_GT(idles, idles_at_handover);
  EXPECT_EQ(r.numbers, one.numbers);
  EXPECT_EQ(r.texts, one.texts);
  EXPECT_EQ(r.reasons, one.reasons);
}

// Adaptive, from a file: the workers from the first line.
TEST(ReadInputs, AdaptiveUsesTheWorkersAtOnceOnFiles) {
  std::string path = write_lines(3000);
  LineChecker checker(CheckerConfig{});
  ReadPlan plan{{path}, 2, 3};
  plan.adaptive = true;
  plan.outpaced = [] { return false; };
  auto make = [&] { return std::make_unique<LineAnalyzer>(checker.routes(), checker.config()); };
  std::size_t analyzed = 0, lines = 0;
  EXPECT_TRUE(read_inputs(plan, make, [](const LineAnalysis&) {}, [&](const stream::Line&, LineAnalysis* a) {
    ++lines;
    if (a) ++analyzed;
    return true;
  }));
  EXPECT_EQ(lines, 3000u);
  EXPECT_EQ(analyzed, 3000u);
  std::remove(path.c_str());
}

TEST(ReadInputs, AMissingInputIsAnError) {
  LineChecker checker(CheckerConfig{});
  ReadPlan plan{{"/nonexistent/input.ndjson"}, 2};
  auto make = [&] { return std::make_unique<LineAnalyzer>(checker.routes(), checker.config()); };
  std::size_t lines = 0;
  EXPECT_FALSE(read_inputs(plan, make, [](const LineAnalysis&) {}, [&](const stream::Line&, LineAnalysis*) {
    ++lines;
    return true;
  }));
  EXPECT_EQ(lines, 0u);
}

}  // namespace
}  // namespace iot::verify
