// The publishing loop of iot-pub: input lines -> outbox (committed in
// batches) -> broker through an in-flight window -> acknowledgements remove
// them from the outbox. One thread owns the outbox; libmosquitto's loop
// thread only records acknowledged mids.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/relaxed.hpp"
#include "mqtt/session.hpp"
#include "iot-pub/input_queue.hpp"
#include "iot-pub/message_builder.hpp"
#include "iot-pub/rate_limiter.hpp"
#include "spool/outbox.hpp"
#include "stream/reject.hpp"

namespace iot::pub {

// Counted by the publishing thread, read by --metrics-listen's thread too.
struct PublisherCounters {
  Count read = 0, rejected = 0, published = 0, acknowledged = 0, retried = 0, dropped = 0;
  Count recovered = 0;  // found in the outbox at start
  Count evicted_devices = 0;  // seqs forgotten past --max-devices (the outbox's count)
  Count disk_full = 0;  // episodes of a full outbox disk (iot-pub(1), --outbox)
};

struct PublisherSettings {
  int max_inflight = 100;
  std::size_t batch = 256;  // lines per committed transaction
  // With an outbox file: how long added messages may wait, uncommitted and
  // unsent, for more input to share their commit (iot-pub(1), --commit-delay).
  std::chrono::nanoseconds commit_delay{std::chrono::milliseconds(5)};
  std::chrono::nanoseconds drain_timeout{std::chrono::seconds(30)};
  bool durable = false;     // a real outbox file: keep reading while disconnected
  std::string outbox_name;  // for the logs
  // With the outbox's disk full: how often its held batch is committed again.
  std::chrono::nanoseconds disk_full_retry{std::chrono::seconds(1)};
};

class Publisher {
 public:
  Publisher(PublisherSettings settings, spool::Outbox& outbox, mqtt::Session& session, MessageBuilder& builder,
            stream::RejectSink& rejects, RateLimiter& rate);
  // Wire the session's callbacks to this publisher (before session.start()).
  void attach();
  // Runs until the input is done and everything is acknowledged, the session
  // gave up, or an interrupt. Returns the exit code (0, 69, 74, 75, 130).
  int run(InputQueue& input);
  const PublisherCounters& counters() const { return counters_; }
  // Wakes the loop (new input, an acknowledgement, a state change).
  void wake();
  // Called on the publishing thread with every message handed to the broker
  // (--keep: iot-pub/resend_responder.hpp). Set before run().
  void on_sent(std::function<void(const spool::OutboxEntry&)> f) { on_sent_ = std::move(f); }

 private:
  Status apply_acks();
  Status read_input(InputQueue& input);
  std::size_t input_room() const;
  Status fill_window();
  void wait_for_work(std::chrono::milliseconds max);
  bool work_waiting(const InputQueue& input, bool connected) const;
  Status commit(bool force, bool hold_additions = false);
  void note_disk_full();
  int stop_held(int code, const InputQueue& input);
  bool additions_may_wait(const InputQueue& input) const;
  void hold_input_wakeups(InputQueue& input) const;
  std::size_t sendable() const;
  std::size_t inflight() const;

  PublisherSettings settings_;
  spool::Outbox& outbox_;
  mqtt::Session& session_;
  MessageBuilder& builder_;
  stream::RejectSink& rejects_;
  RateLimiter& rate_;
  PublisherCounters counters_;

  mutable std::mutex mutex_;  // guards woken_ and acked_mids_ (shared with the loop thread)
  std::condition_variable work_;
  bool woken_ = false;
  std::vector<int> acked_mids_;  // negative: the broker refused it (v5 reason >= 0x80)
  // Owned by the publishing thread only: the callback records mids, this
  // thread maps them, so a PUBACK that beats publish()'s return is still found.
  std::unordered_map<int, std::int64_t> mid_to_id_;
  std::unordered_set<std::int64_t> inflight_ids_;
  bool was_connected_ = false;
  // Owned by the publishing thread only.
  std::size_t removed_since_commit_ = 0;
  // Messages added to the outbox's open batch and not yet committed: they
  // may not be sent. Outbox ids grow, so every id from the first one on is
  // uncommitted.
  std::size_t uncommitted_ = 0;
  std::int64_t first_uncommitted_id_ = 0;
  std::chrono::steady_clock::time_point first_uncommitted_at_;
  std::chrono::steady_clock::time_point last_commit_, last_progress_;
  bool disk_full_ = false;  // an episode of a full outbox disk is going on
  std::chrono::nanoseconds rate_wait_{};
  // The properties of the last message sent, built once for every message
  // that has the same (usually: all of them).
  std::string cached_props_text_;
  std::function<void(const spool::OutboxEntry&)> on_sent_;
  Result<mqtt::PropertyList> cached_props_{mqtt::PropertyList{}};
};

}  // namespace iot::pub
