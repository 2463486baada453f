// iot-verify --rules (iot-rules(5)): the valid lines' messages go through the
// rule evaluator, and each raise and clear is written as an alarm envelope
// (iot-stream(5), ALARMS) right after the line that caused it: into the
// --filter output (stream order with the data) or to --alarms FILE.
//
// Silence runs on the stream's clock (the latest message time), or with
// --live on the wall clock: then a watchdog thread checks the deadlines
// every tick and writes the silence alarms itself, under the same lock as
// the line loop, so a line and an alarm never interleave.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "rules/alarm_envelope.hpp"
#include "rules/evaluator.hpp"
#include "stream/line_writer.hpp"
#include "telemetry/reading.hpp"

namespace iot::verify {

class AlarmStage {
 public:
  // out: where the alarm lines go (the --filter writer or the --alarms file;
  // it must outlive the stage).
  AlarmStage(rules::RuleSet rules, rules::AlarmRenderer renderer, stream::LineWriter& out, bool live);
  ~AlarmStage();  // stops the watchdog
  AlarmStage(const AlarmStage&) = delete;
  AlarmStage& operator=(const AlarmStage&) = delete;

  // The line loop holds this while it checks and writes a line (--live only).
  std::mutex& lock() { return mutex_; }
  // The messages of one valid line; call with lock() held under --live.
  Status observe(const std::vector<telemetry::Message>& messages);
  // Stops the watchdog; the first write error, if any.
  Status finish();

  std::uint64_t raised() const { return evaluator_.raised(); }
  std::uint64_t cleared() const { return evaluator_.cleared(); }
  std::uint64_t untracked() const { return evaluator_.untracked(); }

 private:
  Status write(bool flush);
  void watch();

  rules::Evaluator evaluator_;
  rules::AlarmRenderer renderer_;
  stream::LineWriter& out_;
  bool live_;
  std::int64_t clock_ns_ = 0;
  std::vector<rules::AlarmEvent> events_;
  std::mutex mutex_;
  std::atomic<bool> stop_{false};
  Status error_ = ok_status();
  std::thread watchdog_;
};

}  // namespace iot::verify
