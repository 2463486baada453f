#include "iot-replay/player.hpp"

#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/log.hpp"
#include "cli/metrics_server.hpp"
#include "cli/run.hpp"
#include "core/exit_codes.hpp"
#include "replay/pacer.hpp"
#include "iot-replay/progress.hpp"
#include "stream/line_writer.hpp"

namespace iot::replay {
namespace {

using Clock = Pacer::Clock;

// Sleeps in slices so that Ctrl-C is noticed within 100 ms.
void sleep_interruptibly(Clock::time_point until) {
  for (;;) {
    auto now = Clock::now();
    if (now >= until || cli::interrupted()) return;
    std::this_thread::sleep_for(std::min<Clock::duration>(until - now, std::chrono::milliseconds(100)));
  }
}

bool output_closed(const Error& e) { return e.message.find("output closed") != std::string::npos; }

class Player {
 public:
  Player(ItemSource& source, const ReplayOptions& o)
      : source_(source), o_(o), pacer_(pace_options(o), sleep_interruptibly),
        out_(1, false), progress_(!o.no_progress && isatty(2)) {}

  int run() {
    auto started = Clock::now();
    auto since_start = [started] { return std::chrono::duration<double>(Clock::now() - started).count(); };
    auto server = cli::serve_metrics(o_.log.metrics_listen,
                                     {[&] { return metrics(since_start()).render(); }, {}});
    int status = loop();
    server.reset();
    Status flushed = out_.flush();
    progress_.clear();
    if (!flushed && !output_closed(flushed.error()) && status == exit_code::ok) {
      log::error("{}", flushed.error().message);
      status = exit_code::io_error;
    }
    Status finished = source_.finish();
    if (!finished && status == exit_code::ok) status = cli::exit_code_for(finished.error());
    double elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();
    report(elapsed_s);
    if (Status st = write_metrics(elapsed_s); !st) log::error("{}", st.error().message);
    return status;
  }

 private:
  int loop() {
    Item item;
    for (;;) {
      if (cli::interrupted()) return exit_code::interrupted;
      auto more = source_.next(item);
      if (!more) {
        log::error("{}", more.error().message);
        return cli::exit_code_for(more.error());
      }
      if (!*more) return exit_code::ok;
      if (pacer_.until_due(item.time_ns) > Clock::duration::zero()) {
        // Whatever is due goes to the reader before we sleep.
        if (Status st = out_.flush(); !st) return write_failed(st.error());
        progress_.update(state());
        sleep_interruptibly(pacer_.pending_due());
      }
      pacer_.sent();
      bytes_ += item.line.size() + 1;
      if (Status st = out_.write_line(item.line); !st) return write_failed(st.error());
      if ((pacer_.count() & 1023) == 0) {
        warn_if_behind();
        progress_.update(state());
      }
    }
  }

  int write_failed(const Error& e) {
    if (output_closed(e)) return exit_code::ok;  // the reader left (| head): not an error of ours
    log::error("{}", e.message);
    return exit_code::io_error;
  }

  void warn_if_behind() {
    if (o_.fast) return;
    auto lag = pacer_.current_lag();
    auto now = Clock::now();
    if (lag < std::chrono::seconds(1) || now - last_lag_warning_ < std::chrono::seconds(10)) return;
    last_lag_warning_ = now;
    progress_.clear();
    log::warn("{:.1f} s behind schedule: the reader is slower than the recording at --speed {}",
              std::chrono::duration<double>(lag).count(), o_.speed);
  }

  ProgressState state() const {
    return {pacer_.count(), pacer_.position_ns(), source_.fraction_done(), pacer_.current_lag()};
  }

  void report(double elapsed_s) {
    double max_lag = std::chrono::duration<double>(pacer_.max_lag()).count();
    if (!o_.fast && max_lag >= 1.0)
      log::warn("fell behind the schedule by up to {:.1f} s (the reader was slower than the pace)", max_lag);
    if (progress_.enabled()) {
      ProgressState s = state();
      s.lag = pacer_.max_lag();
      s.fraction.reset();
      log::info("{} (max lag {:.3f} s)", Progress::describe(s, elapsed_s), max_lag);
    }
  }

  cli::Metrics metrics(double elapsed_s) const {
    cli::Metrics m("iot_replay");
    auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
    m.add("messages_total", double(pacer_.count()), "Messages written to stdout");
    m.add("bytes_total", double(bytes_), "Bytes written to stdout, newlines included");
    m.set("lag_max_seconds", seconds(pacer_.max_lag()), "Furthest behind the schedule the replay fell");
    m.set("lag_seconds", seconds(pacer_.current_lag()), "Behind the schedule at the end");
    m.set("duration_seconds", elapsed_s, "Wall time of the replay");
    source_.add_metrics(m);
    return m;
  }

  Status write_metrics(double elapsed_s) const {
    if (o_.log.metrics_file.empty()) return ok_status();
    return metrics(elapsed_s).write_file(o_.log.metrics_file);
  }

  ItemSource& source_;
  const ReplayOptions& o_;
  Pacer pacer_;
  stream::LineWriter out_;
  Progress progress_;
  Clock::time_point last_lag_warning_{};
  std::uint64_t bytes_ = 0;
};

}  // namespace

int play(ItemSource& source, const ReplayOptions& options) { return Player(source, options).run(); }

}  // namespace iot::replay
