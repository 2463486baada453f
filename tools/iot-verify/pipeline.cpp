#include "iot-verify/pipeline.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "core/log.hpp"
#include "cli/run.hpp"

namespace iot::verify {
namespace {

bool read_sequential(const ReadPlan& plan, const LineConsumer& consume) {
  stream::Line line;
  for (const auto& path : plan.inputs) {
    auto reader = stream::LineReader::open(path);
    if (!reader) {
      log::error("{}", reader.error().message);
      return false;
    }
    while (!cli::interrupted() && (*reader)->next(line))
      if (!consume(line, nullptr)) return true;
    if (const Error* e = (*reader)->error()) {
      log::error("{}", e->message);
      return false;
    }
  }
  return true;
}

struct Batch {
  struct Item {
    std::size_t offset = 0, size = 0;
    std::uint64_t number = 0;
    bool too_long = false;
    bool has_signature = false;
    Verdict signature;
  };
  std::string source;
  std::string text;  // the lines, back to back
  std::vector<Item> items;
  std::optional<std::string> error;  // the reader failed here
  bool last = false;
};

// A bounded FIFO of batches between the reader thread and the caller.
class BatchQueue {
 public:
  explicit BatchQueue(std::size_t max) : max_(max) {}
  bool push(Batch b) {  // false when the consumer stopped
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return stopped_ || queue_.size() < max_; });
    if (stopped_) return false;
    queue_.push_back(std::move(b));
    not_empty_.notify_one();
    return true;
  }
  Batch pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !queue_.empty(); });
    Batch b = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return b;
  }
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    not_full_.notify_all();
  }
  bool stopped() {
    std::lock_guard lock(mutex_);
    return stopped_;
  }

 private:
  std::size_t max_;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Batch> queue_;
  bool stopped_ = false;
};

constexpr std::size_t batch_lines = 1024;
constexpr std::size_t batch_bytes = 1u << 20;

void add_line(Batch& b, const stream::Line& line, stream::EnvelopeParser& parser, const ReadPlan& plan) {
  Batch::Item item{b.text.size(), line.text.size(), line.number, line.too_long, false, {}};
  b.text.append(line.text);
  if (!line.too_long) {
    auto envelope = parser.parse(line.text);
    if (envelope && envelope->has_payload) {
      item.signature = signature_verdict(envelope->payload, plan.key, plan.allow_unsigned, envelope->exact_payload);
      item.has_signature = true;
    }
  }
  b.items.push_back(std::move(item));
}

// The reader thread: every input, in batches, then a last (or error) batch.
void produce(const ReadPlan& plan, BatchQueue& queue) {
  stream::EnvelopeParser parser;
  stream::Line line;
  for (const auto& path : plan.inputs) {
    auto reader = stream::LineReader::open(path);
    if (!reader) {
      queue.push(Batch{path, {}, {}, reader.error().message, true});
      return;
    }
    Batch b{path, {}, {}, {}, false};
    while (!cli::interrupted() && (*reader)->next(line)) {
      add_line(b, line, parser, plan);
      if (b.items.size() >= batch_lines || b.text.size() >= batch_bytes) {
        if (!queue.push(std::move(b))) return;
        b = Batch{path, {}, {}, {}, false};
      }
    }
    if (!b.items.empty() && !queue.push(std::move(b))) return;
    if (const Error* e = (*reader)->error()) {
      queue.push(Batch{path, {}, {}, e->message, true});
      return;
    }
    if (cli::interrupted()) break;
  }
  queue.push(Batch{{}, {}, {}, {}, true});
}

bool read_pipelined(const ReadPlan& plan, const LineConsumer& consume) {
  BatchQueue queue(plan.max_batches);
  std::thread reader([&] { produce(plan, queue); });
  bool ok = true, more = true;
  while (more) {
    Batch b = queue.pop();
    for (const auto& item : b.items) {
      stream::Line line{std::string_view(b.text).substr(item.offset, item.size), item.number, b.source, item.too_long};
      if (!consume(line, item.has_signature ? &item.signature : nullptr)) {
        more = false;
        break;
      }
    }
    if (b.error) {
      log::error("{}", *b.error);
      ok = false;
    }
    if (b.last) more = false;
  }
  queue.stop();
  reader.join();
  return ok;
}

}  // namespace

bool read_inputs(const ReadPlan& plan, const LineConsumer& consume) {
  // Without a key there is little to hand to a second thread.
  if (plan.threads >= 2 && plan.key) return read_pipelined(plan, consume);
  return read_sequential(plan, consume);
}

}  // namespace iot::verify
