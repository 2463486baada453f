// Writes batches to a Sink through a circuit breaker, with an optional disk
// spool in front of it (iot-ingest(1), Delivery: circuit breaker + --spool).
//
// Order is kept: while anything is spooled, new batches are spooled behind
// it, and the spool drains oldest first whenever the database answers.
// A batch is "done" when it is committed or fsynced into the spool.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "spool/spool.hpp"
#include "store/circuit_breaker.hpp"
#include "store/sink.hpp"

namespace iot::store {

struct WriteOutcome {
  bool committed = false;  // in the database now
  bool spooled = false;    // on disk, to be sent later
  WriteStats stats;        // of this batch, when committed
  WriteStats drained;      // of spooled batches sent during this call
  std::uint64_t drained_batches = 0;
};

class ResilientWriter {
 public:
  // spool may be null: then an unavailable database is retried (with the
  // breaker's back-off) until `give_up_after`, then reported unavailable.
  ResilientWriter(Sink& sink, spool::Spool* spool, CircuitBreaker::Options breaker,
                  std::chrono::milliseconds give_up_after);

  // Errors: unavailable (no spool and the database stayed away), too_large
  // "spool_full", io (spool), bad_input "db_rejected" (the batch's data was
  // refused: the caller may split it and dead-letter the bad rows).
  Result<WriteOutcome> write(const Batch& batch);
  // Sends what is spooled while the database answers, until `deadline`.
  // Returns ok with the spool possibly not empty (then exit 75).
  Result<WriteOutcome> drain(std::chrono::steady_clock::time_point deadline);
  // One pass of drain() without waiting: what the database takes before
  // `deadline`, nothing when the breaker holds it off. iot-ingest calls it
  // while its input is idle, so a spool empties when the database is back
  // even if no new batch comes to push it out.
  Result<WriteOutcome> drain_once(std::chrono::steady_clock::time_point deadline);
  bool has_spooled() const { return spool_ && !spool_->empty(); }
  bool breaker_open() const { return breaker_.is_open(); }
  // Called when the breaker opens or closes (for logging).
  std::function<void(bool open, const std::string& why)> on_state_change;

 private:
  Result<WriteStats> try_write(const Batch& batch);
  Status drain_some(WriteOutcome& outcome, std::chrono::steady_clock::time_point deadline);

  Sink& sink_;
  spool::Spool* spool_;
  CircuitBreaker breaker_;
  std::chrono::milliseconds give_up_after_;
  bool reported_open_ = false;
};

}  // namespace iot::store
