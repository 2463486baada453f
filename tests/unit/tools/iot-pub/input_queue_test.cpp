#include "iot-pub/input_queue.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

namespace iot::pub {
namespace {

std::string five_lines() {
  std::string path = ::testing::TempDir() + "input_queue_" + std::to_string(::getpid()) + ".ndjson";
  std::ofstream(path) << "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n{\"n\":5}\n";
  return path;
}

// Nothing takes lines here, so the queue grows 1, 2, ... 5 and each push
// sees exactly that many queued.
void read_all(InputQueue& queue, std::atomic<int>& calls) {
  queue.start([&calls] { ++calls; });
  while (!queue.reader_done()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TEST(InputQueue, WakesForEveryLineByDefault) {
  InputQueue queue({}, {five_lines()});
  std::atomic<int> calls{0};
  read_all(queue, calls);
  EXPECT_EQ(calls.load(), 5 + 1);  // each line, and the end of the input
  EXPECT_TRUE(queue.ready());
}

// While the consumer waits for company (iot-pub --commit-delay), only the
// pushes that bring the queue to wake_at lines wake it, and the end always does.
TEST(InputQueue, WakesOnlyOnceWakeAtLinesAreQueued) {
  InputQueue queue({}, {five_lines()});
  queue.set_wake_at(4);
  std::atomic<int> calls{0};
  read_all(queue, calls);
  EXPECT_EQ(calls.load(), 2 + 1);  // at 4 and 5 lines, and the end
}

TEST(InputQueue, ReadyWhenEnoughAreQueuedOrTheInputIsOver) {
  InputQueue queue({}, {five_lines()});
  queue.set_wake_at(100);
  std::atomic<int> calls{0};
  read_all(queue, calls);
  EXPECT_EQ(calls.load(), 1);   // the end only
  EXPECT_TRUE(queue.ready());   // fewer than wake_at, but no more will come
  std::vector<InputLine> lines;
  EXPECT_EQ(queue.take(lines, 10), 5u);
  EXPECT_FALSE(queue.ready());  // nothing queued
  EXPECT_TRUE(queue.finished());
  queue.set_wake_at(0);         // means 1
  EXPECT_FALSE(queue.ready());
}

}  // namespace
}  // namespace iot::pub
