#include "iot-waveform/line_pump.hpp"

#include "stream/line_reader.hpp"

namespace iot::waveform {

LinePump::LinePump(std::vector<std::string> paths) : shared_(std::make_shared<Shared>()) {
  thread_ = std::thread(read_all, shared_, std::move(paths));
}

LinePump::~LinePump() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stop = true;
  }
  shared_->writable.notify_all();
  // A reader blocked in read(2) on a quiet pipe cannot be woken: let it go.
  // It holds only the shared state, which it owns a reference to.
  if (thread_.joinable()) thread_.detach();
}

void LinePump::read_all(std::shared_ptr<Shared> s, std::vector<std::string> paths) {
  auto finish = [&](std::optional<std::string> error) {
    std::lock_guard lock(s->mutex);
    s->done = true;
    s->error = std::move(error);
    s->readable.notify_all();
  };
  for (const auto& path : paths) {
    auto reader = stream::LineReader::open(path);
    if (!reader) return finish(reader.error().message);
    auto source = std::make_shared<const std::string>((*reader)->source());
    stream::Line line;
    while ((*reader)->next(line)) {
      std::unique_lock lock(s->mutex);
      s->writable.wait(lock, [&] { return s->stop || s->lines.size() < kDepth; });
      if (s->stop) return;
      bool was_empty = s->lines.empty();
      s->lines.push_back(PumpedLine{std::string(line.text), line.number, source, line.too_long});
      if (was_empty) s->readable.notify_one();
    }
    if ((*reader)->error()) return finish((*reader)->error()->message);
  }
  finish({});
}

LinePump::Got LinePump::next(PumpedLine& line, std::chrono::milliseconds wait) {
  if (batch_.empty()) {
    std::unique_lock lock(shared_->mutex);
    if (!shared_->readable.wait_for(lock, wait, [&] { return !shared_->lines.empty() || shared_->done; }))
      return Got::idle;
    if (shared_->lines.empty()) return Got::end;
    batch_.swap(shared_->lines);
    shared_->writable.notify_one();
  }
  line = std::move(batch_.front());
  batch_.pop_front();
  return Got::line;
}

std::optional<std::string> LinePump::error() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->error;
}

}  // namespace iot::waveform
