#include "core/relaxed.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <thread>

namespace iot {
namespace {

TEST(Relaxed, CountsLikeTheNumberItHolds) {
  Count c;
  EXPECT_EQ(c, 0u);
  ++c;
  c++;
  c += 5;
  c -= 2;
  EXPECT_EQ(c, 5u);
  EXPECT_EQ(c++, 5u);
  EXPECT_EQ(c.load(), 6u);
  Count copy = c;
  ++c;
  EXPECT_EQ(copy, 6u);
  copy = c;
  EXPECT_EQ(copy, 7u);
  EXPECT_EQ(fmt::format("{} lines, {:>4}", c, copy), "7 lines,    7");
  nlohmann::json j = {{"lines", c}};
  EXPECT_EQ(j.dump(), R"({"lines":7})");
  Relaxed<double> seconds;
  seconds += 0.25;
  seconds += 0.5;
  EXPECT_DOUBLE_EQ(seconds, 0.75);
  EXPECT_EQ(fmt::format("{:.2f}", seconds), "0.75");
}

// The reason it exists: one thread counts while another reads (a
// ThreadSanitizer build reports this test when Count is a plain integer).
// The reader never sees the count go back or jump past the end.
TEST(Relaxed, AReaderOnAnotherThreadSeesTheCountGrow) {
  constexpr std::uint64_t kEnd = 200000;
  Count c;
  std::uint64_t backwards = 0, beyond = 0, reads = 0;
  std::atomic<bool> started{false}, done{false};
  std::thread reader([&] {
    std::uint64_t last = 0;
    started = true;
    do {
      std::uint64_t now = c;
      if (now < last) ++backwards;
      if (now > kEnd) ++beyond;
      last = now;
      ++reads;
    } while (!done.load());
  });
  while (!started.load()) std::this_thread::yield();
  for (std::uint64_t i = 0; i < kEnd; ++i) ++c;
  done = true;
  reader.join();
  EXPECT_EQ(c, kEnd);
  EXPECT_EQ(backwards, 0u);
  EXPECT_EQ(beyond, 0u);
  EXPECT_GT(reads, 0u);
}

}  // namespace
}  // namespace iot
