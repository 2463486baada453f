// Lines read on a thread of their own, handed over through a small bounded
// queue, so that assemble can wake up on a timer while its input is quiet
// (a live pipe from iot-sub) and report timed-out uploads without waiting
// for the next line. Memory: at most 2 x kDepth lines in flight.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace iot::waveform {

struct PumpedLine {
  std::string text;
  std::uint64_t number = 0;
  std::shared_ptr<const std::string> source;
  bool too_long = false;
};

class LinePump {
 public:
  static constexpr std::size_t kDepth = 64;
  explicit LinePump(std::vector<std::string> paths);
  ~LinePump();  // detaches the reader if it is still blocked in a read
  LinePump(const LinePump&) = delete;
  LinePump& operator=(const LinePump&) = delete;

  enum class Got { line, idle, end };
  // Waits up to `wait` for the next line.
  Got next(PumpedLine& line, std::chrono::milliseconds wait);
  // Lines already taken from the reader and not yet handed out.
  std::size_t buffered() const { return batch_.size(); }
  // After Got::end: the error that ended reading, if any.
  std::optional<std::string> error() const;

 private:
  struct Shared {
    std::mutex mutex;
    std::condition_variable readable, writable;
    std::deque<PumpedLine> lines;
    bool done = false, stop = false;
    std::optional<std::string> error;
  };
  static void read_all(std::shared_ptr<Shared> shared, std::vector<std::string> paths);
  std::shared_ptr<Shared> shared_;
  std::deque<PumpedLine> batch_;  // taken from the shared queue in one go: one wakeup per batch
  std::thread thread_;
};

}  // namespace iot::waveform
