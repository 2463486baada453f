// iot-sub's message handler and its ending conditions. The handler runs on
// libmosquitto's loop thread and writes each line (journal first, then
// stdout) before it returns: in threaded mode that is before the PUBACK goes
// out (iot-sub(1), DELIVERY GUARANTEES), and a blocked stdout blocks the loop, so a slow
// reader slows the subscription instead of growing memory. Unless every
// line must be out before its PUBACK, out may gather lines: they are
// written when the session's loop finds nothing more waiting (on_idle).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "mqtt/session.hpp"
#include "stream/line_writer.hpp"
#include "topic/subscriptions.hpp"
#include "iot-sub/journal.hpp"
#include "iot-sub/message_format.hpp"

namespace iot::sub {

struct EndConditions {
  std::uint64_t count = 0;  // 0: no limit
  std::optional<std::chrono::nanoseconds> idle, total;
  bool retained_only = false;
  bool no_retained = false;
  bool must_not_lose = false;  // QoS >= 1 under a persistent session: die unacknowledged on write errors
};

class Subscriber {
 public:
  // Each message is written as format renders it (NDJSON, human or -F).
  Subscriber(EndConditions end, const MessageFormat& format, const FormatContext& context, stream::LineWriter& out,
             Journal* journal, mqtt::Session& session);
  void attach();
  // Several filters (MQTT 5 may deliver a message once per filter it
  // matches): a copy delivered for another subscription than the topic's
  // owner (topic/subscriptions.hpp) is a duplicate, acknowledged and skipped.
  void set_subscriptions(std::vector<topic::Subscription> subscriptions) { subscriptions_ = std::move(subscriptions); }
  std::uint64_t duplicate_copies() const { return duplicate_copies_.load(); }
  // Waits until an ending condition; returns the exit code (0, 3, 69, 74, 130):
  // 69, not 3, when the time ran out before any connection was made.
  int wait();
  std::uint64_t received() const { return received_.load(); }
  std::uint64_t payload_bytes() const { return bytes_.load(); }

 private:
  void handle(const mqtt::IncomingMessage& m);
  bool is_extra_copy(const mqtt::IncomingMessage& m) const;
  void finish(bool stop_reading);
  void write_out();

  EndConditions end_;
  const MessageFormat& format_;
  const FormatContext& context_;
  stream::LineWriter& out_;
  Journal* journal_;
  mqtt::Session& session_;
  std::vector<topic::Subscription> subscriptions_;
  std::atomic<std::uint64_t> duplicate_copies_{0};
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> bytes_{0};  // payload bytes of the messages written
  std::atomic<bool> done_{false};
  std::atomic<bool> io_failed_{false};
  std::atomic<std::int64_t> last_rx_{0};  // steady clock ns
  std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace iot::sub
