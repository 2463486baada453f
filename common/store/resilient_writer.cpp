#include "store/resilient_writer.hpp"

#include <thread>

#include "store/batch_codec.hpp"

namespace iot::store {

ResilientWriter::ResilientWriter(Sink& sink, spool::Spool* spool, CircuitBreaker::Options breaker,
                                 std::chrono::milliseconds give_up_after)
    : sink_(sink), spool_(spool), breaker_(breaker), give_up_after_(give_up_after) {}

Result<WriteStats> ResilientWriter::try_write(const Batch& batch) {
  auto stats = sink_.write(batch);
  if (stats) {
    breaker_.success();
    if (reported_open_ && on_state_change) on_state_change(false, "database answers again");
    reported_open_ = false;
    return stats;
  }
  if (stats.error().kind == ErrorKind::unavailable) {
    breaker_.failure();
    if (breaker_.is_open() && !reported_open_) {
      reported_open_ = true;
      if (on_state_change) on_state_change(true, stats.error().message);
    }
    (void)sink_.reconnect();
  }
  return stats;
}

Status ResilientWriter::drain_some(WriteOutcome& outcome, std::chrono::steady_clock::time_point deadline) {
  while (spool_ && !spool_->empty() && breaker_.allow() && std::chrono::steady_clock::now() < deadline) {
    auto bytes = spool_->front();
    if (!bytes) return bytes.error();
    auto batch = decode_batch(**bytes);
    if (!batch) return batch.error();
    auto stats = try_write(*batch);
    if (!stats) {
      if (stats.error().kind == ErrorKind::unavailable) return ok_status();
      return stats.error();
    }
    outcome.drained.inserted += stats->inserted;
    outcome.drained.duplicates += stats->duplicates;
    outcome.drained.alarms += stats->alarms;
    outcome.drained.alarm_duplicates += stats->alarm_duplicates;
    outcome.drained.records += stats->records;
    outcome.drained.record_unchanged += stats->record_unchanged;
    ++outcome.drained_batches;
    if (auto st = spool_->pop(); !st) return st;
  }
  return ok_status();
}

namespace {
WriteOutcome committed(WriteOutcome outcome, const WriteStats& stats) {
  outcome.committed = true;
  outcome.stats = stats;
  return outcome;
}
}  // namespace

Result<WriteOutcome> ResilientWriter::write(const Batch& batch) {
  WriteOutcome outcome;
  auto start = std::chrono::steady_clock::now();
  if (spool_) {
    if (auto st = drain_some(outcome, start + std::chrono::seconds(5)); !st) return st.error();
    if (spool_->empty() && breaker_.allow()) {
      auto stats = try_write(batch);
      if (stats) return committed(outcome, *stats);
      if (stats.error().kind != ErrorKind::unavailable) return stats.error();
    }
    if (auto st = spool_->push(encode_batch(batch)); !st) return st.error();
    outcome.spooled = true;
    return outcome;
  }
  for (;;) {
    if (breaker_.allow()) {
      auto stats = try_write(batch);
      if (stats) return committed(outcome, *stats);
      if (stats.error().kind != ErrorKind::unavailable) return stats.error();
      if (std::chrono::steady_clock::now() - start >= give_up_after_) return stats.error();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Result<WriteOutcome> ResilientWriter::drain(std::chrono::steady_clock::time_point deadline) {
  WriteOutcome outcome;
  while (spool_ && !spool_->empty() && std::chrono::steady_clock::now() < deadline) {
    if (auto st = drain_some(outcome, deadline); !st) return st.error();
    if (!spool_->empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return outcome;
}

Result<WriteOutcome> ResilientWriter::drain_once(std::chrono::steady_clock::time_point deadline) {
  WriteOutcome outcome;
  if (auto st = drain_some(outcome, deadline); !st) return st.error();
  return outcome;
}

}  // namespace iot::store
