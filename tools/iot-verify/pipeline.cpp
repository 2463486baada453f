#include "iot-verify/pipeline.hpp"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "core/log.hpp"
#include "cli/run.hpp"

namespace iot::verify {
namespace {

// Whether the calling thread has run flat out: over the last stretch of at
// least kBusyWindow its CPU time was nearly all of the wall time. A thread
// that waits for its input, or for a core the rest of a pipeline holds, is
// not: workers would not make either come sooner.
class BusyMeter {
 public:
  BusyMeter() : wall_(Clock::now()), cpu_(thread_cpu()) {}
  bool flat_out() {
    const auto wall = Clock::now();
    if (wall - wall_ < kBusyWindow) return false;
    const auto cpu = thread_cpu();
    const bool busy = cpu - cpu_ >= (wall - wall_) * 9 / 10;
    wall_ = wall;
    cpu_ = cpu;
    return busy;
  }

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::nanoseconds kBusyWindow = std::chrono::milliseconds(200);
  static std::chrono::nanoseconds thread_cpu() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  }
  Clock::time_point wall_;
  std::chrono::nanoseconds cpu_;
};

// Where read_sequential stopped when it handed over to the workers: the
// input it was reading (open, at the next line) and its index.
struct Handover {
  std::size_t input = 0;
  std::unique_ptr<stream::LineReader> reader;
};

bool read_parallel(const ReadPlan& plan, Handover start, const AnalyzerFactory& make_analyzer,
                   const LinePrefetcher& prefetch, const LineConsumer& consume, const IdleHandler& idle);

bool read_sequential(const ReadPlan& plan, const AnalyzerFactory& make_analyzer, const LinePrefetcher& prefetch,
                     const LineConsumer& consume, const IdleHandler& idle) {
  const bool may_hand_over = plan.adaptive && plan.threads >= 2;
  BusyMeter busy;
  auto outpaced = [&] { return plan.outpaced ? plan.outpaced() : busy.flat_out(); };
  stream::Line line;
  for (std::size_t i = 0; i < plan.inputs.size(); ++i) {
    auto reader = stream::LineReader::open(plan.inputs[i]);
    if (!reader) {
      log::error("{}", reader.error().message);
      return false;
    }
    std::uint64_t last = 0;  // the number of the last line consumed from this input
    for (;;) {
      if (!(*reader)->line_buffered()) {
        if (!idle()) return true;
        if (may_hand_over && outpaced()) {
          log::debug("one thread does not keep up with the input: {} worker threads after line {} of {}",
                     plan.threads, last, plan.inputs[i]);
          return read_parallel(plan, Handover{i, std::move(*reader)}, make_analyzer, prefetch, consume, idle);
        }
      }
      if (cli::interrupted() || !(*reader)->next(line)) break;
      last = line.number;
      if (!consume(line, nullptr)) return true;
    }
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
  };
  std::string source;
  std::string text;  // the lines, back to back
  std::vector<Item> items;
  std::vector<LineAnalysis> analyses;  // one per item, made by a worker (reused with the batch)
  std::optional<std::string> error;    // the reader failed here
  bool last = false;
  bool done = false;  // analyzed; guarded by Flow's mutex

  void reset(std::string_view from) {
    source.assign(from);
    text.clear();
    items.clear();
    error.reset();
    last = done = false;
  }
};

constexpr std::size_t batch_lines = 1024;
constexpr std::size_t batch_bytes = 1u << 20;

// The batches in flight: in input order for the consumer, in a queue for
// the workers, at most max of them; consumed ones are kept for reuse.
class Flow {
 public:
  explicit Flow(std::size_t max) : max_(max) {}

  std::unique_ptr<Batch> fresh(std::string_view source) {
    std::unique_ptr<Batch> b;
    {
      std::lock_guard lock(mutex_);
      if (!spare_.empty()) {
        b = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    if (!b) b = std::make_unique<Batch>();
    b->reset(source);
    return b;
  }
  // The reader hands a batch on; false when the consumer stopped.
  bool submit(std::unique_ptr<Batch> b) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return stopped_ || order_.size() < max_; });
    if (stopped_) return false;
    Batch* raw = b.get();
    order_.push_back(std::move(b));
    if (raw->items.empty()) {
      raw->done = true;
      done_.notify_one();
    } else {
      todo_.push_back(raw);
      work_.notify_one();
    }
    return true;
  }
  // A worker's next batch; null once stopped.
  Batch* take_work() {
    std::unique_lock lock(mutex_);
    work_.wait(lock, [&] { return stopped_ || !todo_.empty(); });
    if (stopped_) return nullptr;
    Batch* b = todo_.front();
    todo_.pop_front();
    return b;
  }
  void finished(Batch* b) {
    std::lock_guard lock(mutex_);
    b->done = true;
    done_.notify_one();
  }
  // The consumer's next batch in input order, once analyzed.
  std::unique_ptr<Batch> next_done() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return !order_.empty() && order_.front()->done; });
    auto b = std::move(order_.front());
    order_.pop_front();
    space_.notify_one();
    return b;
  }
  void recycle(std::unique_ptr<Batch> b) {
    std::lock_guard lock(mutex_);
    if (spare_.size() < max_) spare_.push_back(std::move(b));
  }
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    space_.notify_all();
    work_.notify_all();
    done_.notify_all();
  }

 private:
  std::size_t max_;
  std::mutex mutex_;
  std::condition_variable space_, work_, done_;
  std::deque<std::unique_ptr<Batch>> order_;
  std::deque<Batch*> todo_;
  std::vector<std::unique_ptr<Batch>> spare_;
  bool stopped_ = false;
};

void add_line(Batch& b, const stream::Line& line) {
  b.items.push_back({b.text.size(), line.text.size(), line.number, line.too_long});
  b.text.append(line.text);
}

// The reader thread: every input from start.input on (start.reader, when
// given, is that input already open), in batches, then a last (or error) batch.
void produce(const ReadPlan& plan, Handover start, Flow& flow) {
  stream::Line line;
  for (std::size_t i = start.input; i < plan.inputs.size(); ++i) {
    const auto& path = plan.inputs[i];
    auto reader = start.reader ? Result<std::unique_ptr<stream::LineReader>>(std::move(start.reader))
                               : stream::LineReader::open(path);
    if (!reader) {
      auto b = flow.fresh(path);
      b->error = reader.error().message;
      b->last = true;
      flow.submit(std::move(b));
      return;
    }
    auto b = flow.fresh(path);
    while (!cli::interrupted() && (*reader)->next(line)) {
      add_line(*b, line);
      if (b->items.size() >= batch_lines || b->text.size() >= batch_bytes || !(*reader)->line_buffered()) {
        if (!flow.submit(std::move(b))) return;
        b = flow.fresh(path);
      }
    }
    if (!b->items.empty() && !flow.submit(std::move(b))) return;
    if (const Error* e = (*reader)->error()) {
      auto failed = flow.fresh(path);
      failed->error = e->message;
      failed->last = true;
      flow.submit(std::move(failed));
      return;
    }
    if (cli::interrupted()) break;
  }
  auto end = flow.fresh({});
  end->last = true;
  flow.submit(std::move(end));
}

void analyze_batches(Flow& flow, LineAnalyzer& analyzer) {
  while (Batch* b = flow.take_work()) {
    if (b->analyses.size() < b->items.size()) b->analyses.resize(b->items.size());
    for (std::size_t i = 0; i < b->items.size(); ++i) {
      const auto& item = b->items[i];
      analyzer.analyze(std::string_view(b->text).substr(item.offset, item.size), item.too_long, b->analyses[i]);
    }
    flow.finished(b);
  }
}

// How far ahead of the line being consumed the prefetcher reads.
constexpr std::size_t prefetch_distance = 4;

bool read_parallel(const ReadPlan& plan, Handover start, const AnalyzerFactory& make_analyzer,
                   const LinePrefetcher& prefetch, const LineConsumer& consume, const IdleHandler& idle) {
  const auto workers = static_cast<std::size_t>(plan.threads);
  Flow flow(plan.max_batches ? plan.max_batches : 2 * workers + 2);
  std::vector<std::unique_ptr<LineAnalyzer>> analyzers;
  for (std::size_t i = 0; i < workers; ++i) analyzers.push_back(make_analyzer());
  std::vector<std::thread> threads;
  threads.emplace_back([&plan, &flow, s = std::move(start)]() mutable { produce(plan, std::move(s), flow); });
  for (auto& a : analyzers) threads.emplace_back([&flow, &a] { analyze_batches(flow, *a); });
  bool ok = true, more = true;
  while (more) {
    auto b = flow.next_done();
    const std::size_t n = b->items.size();
    for (std::size_t i = 0; i < std::min(n, prefetch_distance); ++i) prefetch(b->analyses[i]);
    for (std::size_t i = 0; i < n; ++i) {
      if (i + prefetch_distance < n) prefetch(b->analyses[i + prefetch_distance]);
      const auto& item = b->items[i];
      stream::Line line{std::string_view(b->text).substr(item.offset, item.size), item.number, b->source, item.too_long};
      if (!consume(line, &b->analyses[i])) {
        more = false;
        break;
      }
    }
    // A batch ends where the input had no whole line waiting (or at its
    // size): what its lines gave goes out before the next one is taken.
    if (more && n > 0 && !idle()) more = false;
    if (b->error) {
      log::error("{}", *b->error);
      ok = false;
    }
    if (b->last) more = false;
    flow.recycle(std::move(b));
  }
  flow.stop();
  for (auto& t : threads) t.join();
  return ok;
}

// Files are all there to be read: the workers pay from the first line.
bool all_regular_files(const std::vector<std::string>& inputs) {
  for (const auto& path : inputs) {
    struct stat st {};
    int rc = path == "-" ? ::fstat(STDIN_FILENO, &st) : ::stat(path.c_str(), &st);
    if (rc != 0 || !S_ISREG(st.st_mode)) return false;
  }
  return true;
}

}  // namespace

bool read_inputs(const ReadPlan& plan, const AnalyzerFactory& make_analyzer, const LinePrefetcher& prefetch,
                 const LineConsumer& consume, const IdleHandler& idle) {
  const IdleHandler when_idle = idle ? idle : IdleHandler([] { return true; });
  if (plan.threads >= 2 && (!plan.adaptive || all_regular_files(plan.inputs)))
    return read_parallel(plan, {}, make_analyzer, prefetch, consume, when_idle);
  return read_sequential(plan, make_analyzer, prefetch, consume, when_idle);
}

}  // namespace iot::verify
