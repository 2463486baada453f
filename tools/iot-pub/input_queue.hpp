// Input lines read on a thread of their own into a bounded queue, so that the
// publishing loop never blocks on a slow pipe with a batch uncommitted, and a
// full queue stops the reading (backpressure, bounded memory).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"

namespace iot::pub {

struct InputLine {
  std::string text;
  std::string source;  // "FILE:LINE", "-:LINE", "-m:N"
  bool too_long = false;
  bool raw = false;    // the payload's bytes as they are (iot-pub(1) "RAW PAYLOADS")
};

// How the inputs are read: NDJSON lines (envelopes or bare payloads), raw
// lines (--raw, -l), or each input whole as one raw message (-f, -s).
enum class InputKind { ndjson, raw_lines, whole };

class InputQueue {
 public:
  // Reads the -m messages, then each input ("-" is stdin) in order. -m
  // messages are raw unless kind is ndjson.
  InputQueue(std::vector<std::string> messages, std::vector<std::string> inputs,
             InputKind kind = InputKind::ndjson, std::size_t capacity = 4096);
  // Joins the reader: only destroy a queue whose reader_done() (a reader
  // blocked in read(2) on a pipe cannot be stopped; the owner leaks it then).
  ~InputQueue();
  bool reader_done() const;
  // on_ready runs on the reader's thread once at least wake_at() lines are
  // queued after a push, and at the end of the input.
  void start(std::function<void()> on_ready);
  // Moves up to max lines out; never blocks.
  std::size_t take(std::vector<InputLine>& out, std::size_t max);
  bool finished() const;       // every input read and taken
  bool has_queued() const;     // lines waiting to be taken
  std::size_t queued() const;
  // How many queued lines make the reader call on_ready (at least 1): a
  // consumer that waits for company anyway (iot-pub(1), --commit-delay)
  // is not woken for every line.
  void set_wake_at(std::size_t lines) { wake_at_.store(lines < 1 ? 1 : lines, std::memory_order_relaxed); }
  // At least wake_at() lines are queued, or some and the input is over.
  bool ready() const;
  bool read_error() const;     // an input could not be opened or read
  std::uint64_t lines_read() const;

 private:
  void push(InputLine line);
  void run();
  void read_input(const std::string& path);
  void note_read_error(const Error& error);

  std::vector<std::string> messages_, inputs_;
  InputKind kind_;
  std::size_t capacity_;
  std::function<void()> on_ready_;
  mutable std::mutex mutex_;
  std::condition_variable space_;
  std::deque<InputLine> queue_;
  std::atomic<std::size_t> wake_at_{1};
  bool done_ = false;
  bool error_ = false;
  std::uint64_t read_ = 0;
  std::thread thread_;
};

}  // namespace iot::pub
