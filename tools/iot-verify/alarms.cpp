#include "iot-verify/alarms.hpp"

#include <chrono>

namespace iot::verify {
namespace {

// How often the --live watchdog looks at the clock: the most a silence
// alarm can come late, beyond the time to write it.
constexpr auto kTick = std::chrono::milliseconds(50);

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

AlarmStage::AlarmStage(rules::RuleSet rules, rules::AlarmRenderer renderer, stream::LineWriter& out, bool live)
    : evaluator_(std::move(rules)), renderer_(std::move(renderer)), out_(out), live_(live) {
  if (live_ && evaluator_.has_silence()) watchdog_ = std::thread([this] { watch(); });
}

AlarmStage::~AlarmStage() { (void)finish(); }

Status AlarmStage::write(bool flush) {
  for (const auto& e : events_) {
    if (!error_) break;
    error_ = out_.write_line(renderer_.render(e));
  }
  bool wrote = !events_.empty();
  events_.clear();
  if (wrote && flush && error_) error_ = out_.flush();
  return error_;
}

Status AlarmStage::observe(const std::vector<telemetry::Message>& messages) {
  for (const auto& m : messages) {
    if (live_) {
      evaluator_.observe(m, wall_ns(), events_);
      continue;
    }
    auto t = rules::Evaluator::message_time(m);
    if (t && *t > clock_ns_) clock_ns_ = *t;
    // Silence first: a device quiet past its deadline is raised before its
    // own next message clears it.
    evaluator_.advance(clock_ns_, events_);
    evaluator_.observe(m, t.value_or(clock_ns_), events_);
  }
  // Alarms are rare and urgent: a file gets them at once, not at 64 KiB.
  return write(/*flush=*/true);
}

void AlarmStage::watch() {
  while (!stop_.load()) {
    std::this_thread::sleep_for(kTick);
    std::lock_guard guard(mutex_);
    evaluator_.advance(wall_ns(), events_);
    (void)write(/*flush=*/true);
  }
}

Status AlarmStage::finish() {
  if (watchdog_.joinable()) {
    stop_.store(true);
    watchdog_.join();
  }
  std::lock_guard guard(mutex_);
  return error_;
}

}  // namespace iot::verify
