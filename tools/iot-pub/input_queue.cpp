#include "iot-pub/input_queue.hpp"

#include <unistd.h>

#include "core/log.hpp"
#include "cli/run.hpp"
#include "stream/line_reader.hpp"

namespace iot::pub {

InputQueue::InputQueue(std::vector<std::string> messages, std::vector<std::string> inputs, std::size_t capacity)
    : messages_(std::move(messages)), inputs_(std::move(inputs)), capacity_(capacity) {}

InputQueue::~InputQueue() {
  if (thread_.joinable()) thread_.join();
}

bool InputQueue::reader_done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

void InputQueue::start(std::function<void()> on_ready) {
  on_ready_ = std::move(on_ready);
  thread_ = std::thread([this] { run(); });
}

void InputQueue::push(InputLine line) {
  {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [this] { return queue_.size() < capacity_; });
    queue_.push_back(std::move(line));
    ++read_;
  }
  if (on_ready_) on_ready_();
}

void InputQueue::run() {
  std::size_t n = 0;
  for (auto& m : messages_) push({m, "-m:" + std::to_string(++n), false});
  std::vector<std::string> inputs = inputs_;
  if (inputs.empty() && messages_.empty()) inputs.push_back("-");
  for (const auto& path : inputs) {
    if (cli::interrupted()) break;
    auto reader = stream::LineReader::open(path);
    if (!reader) {
      log::error("{}", reader.error().message);
      std::lock_guard lock(mutex_);
      error_ = true;
      continue;
    }
    stream::Line line;
    while (!cli::interrupted() && (*reader)->next(line)) {
      std::string source = std::string(line.source) + ":" + std::to_string(line.number);
      push({std::string(line.text), std::move(source), line.too_long});
    }
    if (const Error* err = (*reader)->error()) {
      log::error("{}: {}", path, err->message);
      std::lock_guard lock(mutex_);
      error_ = true;
    }
  }
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  if (on_ready_) on_ready_();
}

std::size_t InputQueue::take(std::vector<InputLine>& out, std::size_t max) {
  std::size_t n = 0;
  {
    std::lock_guard lock(mutex_);
    while (n < max && !queue_.empty()) {
      out.push_back(std::move(queue_.front()));
      queue_.pop_front();
      ++n;
    }
  }
  if (n) space_.notify_all();
  return n;
}

bool InputQueue::finished() const {
  std::lock_guard lock(mutex_);
  return done_ && queue_.empty();
}

bool InputQueue::has_queued() const {
  std::lock_guard lock(mutex_);
  return !queue_.empty();
}

bool InputQueue::read_error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

std::uint64_t InputQueue::lines_read() const {
  std::lock_guard lock(mutex_);
  return read_;
}

}  // namespace iot::pub
