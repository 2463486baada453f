#include "iot-pub/input_queue.hpp"

#include <unistd.h>

#include "core/log.hpp"
#include "cli/run.hpp"
#include "core/limits.hpp"
#include "iot-pub/raw_input.hpp"
#include "stream/line_reader.hpp"

namespace iot::pub {

InputQueue::InputQueue(std::vector<std::string> messages, std::vector<std::string> inputs, InputKind kind,
                       std::size_t capacity)
    : messages_(std::move(messages)), inputs_(std::move(inputs)), kind_(kind), capacity_(capacity) {}

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
  std::size_t queued;
  {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [this] { return queue_.size() < capacity_; });
    queue_.push_back(std::move(line));
    ++read_;
    queued = queue_.size();
  }
  if (on_ready_ && queued >= wake_at_.load(std::memory_order_relaxed)) on_ready_();
}

void InputQueue::run() {
  std::size_t n = 0;
  const bool raw = kind_ != InputKind::ndjson;
  for (auto& m : messages_) push({m, "-m:" + std::to_string(++n), false, raw});
  std::vector<std::string> inputs = inputs_;
  if (inputs.empty() && messages_.empty()) inputs.push_back("-");
  for (const auto& path : inputs) {
    if (cli::interrupted()) break;
    read_input(path);
  }
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  if (on_ready_) on_ready_();
}

void InputQueue::note_read_error(const Error& error) {
  log::error("{}", error.message);
  std::lock_guard lock(mutex_);
  error_ = true;
}

void InputQueue::read_input(const std::string& path) {
  if (kind_ == InputKind::whole) {
    auto bytes = read_whole_input(path, limits::max_payload_bytes);
    if (!bytes && bytes.error().kind == ErrorKind::too_large) return push({"", path, true, true});  // rejected
    if (!bytes) return note_read_error(bytes.error());
    push({std::move(*bytes), path, false, true});
    return;
  }
  if (kind_ == InputKind::raw_lines) {
    std::uint64_t number = 0;
    Status st = for_each_raw_line(path, limits::max_payload_bytes, [&](std::string_view text, bool too_long) {
      push({std::string(text), path + ":" + std::to_string(++number), too_long, true});
      return !cli::interrupted();
    });
    if (!st) note_read_error(st.error());
    return;
  }
  auto reader = stream::LineReader::open(path);
  if (!reader) return note_read_error(reader.error());
  stream::Line line;
  while (!cli::interrupted() && (*reader)->next(line)) {
    std::string source = std::string(line.source) + ":" + std::to_string(line.number);
    push({std::string(line.text), std::move(source), line.too_long, false});
  }
  if (const Error* err = (*reader)->error()) note_read_error(make_error(err->kind, err->reason, path + ": " + err->message));
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

std::size_t InputQueue::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

bool InputQueue::ready() const {
  std::lock_guard lock(mutex_);
  return !queue_.empty() && (done_ || queue_.size() >= wake_at_.load(std::memory_order_relaxed));
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
