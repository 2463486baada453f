// Reads the input files on a thread of their own, so that the main loop can
// commit a partial batch when --flush-interval passes while stdin is quiet.
// The queue is bounded (memory stays constant when the database is slower
// than the input).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"

namespace iot::ingest {

struct FedLine {
  std::string text;
  bool too_long = false;
  std::string source;  // "FILE:LINE", "-:LINE" for stdin
};

class LineFeed {
 public:
  explicit LineFeed(std::vector<std::string> paths, std::size_t capacity = 8192);
  ~LineFeed();
  // Waits up to `timeout` for lines; appends them to out. False once every
  // input is read and the queue is empty.
  bool wait(std::vector<FedLine>& out, std::chrono::milliseconds timeout);
  // An input that could not be opened or read (the first one).
  std::optional<Error> error();

 private:
  void run();
  void push(FedLine line);

  std::vector<std::string> paths_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<FedLine> queue_;
  bool done_ = false, stopping_ = false;
  std::optional<Error> error_;
  std::thread thread_;
};

}  // namespace iot::ingest
