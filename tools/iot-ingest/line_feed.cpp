#include "iot-ingest/line_feed.hpp"

#include "stream/line_reader.hpp"

namespace iot::ingest {

LineFeed::LineFeed(std::vector<std::string> paths, std::size_t capacity)
    : paths_(std::move(paths)), capacity_(capacity), thread_([this] { run(); }) {}

LineFeed::~LineFeed() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  not_full_.notify_all();
  // A reader blocked on a quiet stdin cannot be woken: leave it behind.
  if (thread_.joinable()) {
    std::unique_lock lock(mutex_);
    if (done_) {
      lock.unlock();
      thread_.join();
    } else {
      thread_.detach();
    }
  }
}

void LineFeed::push(FedLine line) {
  std::unique_lock lock(mutex_);
  not_full_.wait(lock, [&] { return queue_.size() < capacity_ || stopping_; });
  if (stopping_) return;
  queue_.push_back(std::move(line));
  lock.unlock();
  not_empty_.notify_one();
}

void LineFeed::run() {
  stream::Line line;
  for (const auto& path : paths_) {
    auto reader = stream::LineReader::open(path);
    if (!reader) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = reader.error();
      continue;
    }
    std::string name = path;
    while ((*reader)->next(line)) {
      push(FedLine{std::string(line.text), line.too_long, name + ":" + std::to_string(line.number)});
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    if (const Error* e = (*reader)->error()) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = *e;
    }
  }
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  not_empty_.notify_all();
}

bool LineFeed::wait(std::vector<FedLine>& out, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  not_empty_.wait_for(lock, timeout, [&] { return !queue_.empty() || done_; });
  bool had = !queue_.empty();
  while (!queue_.empty()) {
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  bool more = had || !done_;
  lock.unlock();
  if (had) not_full_.notify_all();
  return more;
}

std::optional<Error> LineFeed::error() {
  std::lock_guard lock(mutex_);
  return error_;
}

}  // namespace iot::ingest
