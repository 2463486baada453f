// The publishing side of the resend loop (iot-pub(1), --keep; iot-toolkit(7),
// RESEND ON GAP). Every message iot-pub sends is kept (resend::KeptMessages)
// for --keep; the resend topic of each topic it publishes on is subscribed
// on a session of its own. A request is answered from its own thread: the
// seqs still held go out again exactly as first sent (same msg_id, so a
// duplicate is dropped downstream), at most --resend-rate per second so a
// large gap cannot crowd out live data; the seqs sent once but no longer
// held get a gone notice on <resend topic>/gone, so the requester stops
// asking. Requests for devices this iot-pub never published for are left
// to the publisher that did.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "mqtt/session.hpp"
#include "resend/kept_messages.hpp"
#include "resend/notice.hpp"
#include "spool/outbox.hpp"
#include "topic/pattern.hpp"

namespace iot::pub {

// A registry route's resend_topic (iot-registry(5)) for the topics its pattern matches.
struct ResendRoute {
  topic::TopicPattern pattern;
  std::string resend_topic;
};

struct ResponderSettings {
  std::chrono::nanoseconds keep{};   // --keep
  std::size_t max_kept = 100'000;    // --outbox-max, when set
  double rate = 200;                 // --resend-rate: messages/s sent again (0: no limit)
  std::string topic_template;        // --resend-topic
  std::vector<ResendRoute> routes;   // --registry routes that set resend_topic
  int qos = 1;
};

struct ResponderCounters {
  std::uint64_t requests = 0;   // requests read (for devices this iot-pub sent for)
  std::uint64_t resent = 0;     // messages sent again
  std::uint64_t gone = 0;       // gone notices sent
  std::uint64_t refused = 0;    // bad requests, or requests over the queue's bound
};

class ResendResponder {
 public:
  static Result<std::unique_ptr<ResendResponder>> start(mqtt::SessionConfig config, ResponderSettings settings);
  ~ResendResponder();
  ResendResponder(const ResendResponder&) = delete;
  ResendResponder& operator=(const ResendResponder&) = delete;

  // The publishing thread, for every message handed to the broker.
  void sent(const spool::OutboxEntry& entry);
  // After the input is done: keeps answering until everything kept has
  // expired (at most --keep after the last message) or an interrupt.
  void linger();
  ResponderCounters counters() const;
  void stop();

 private:
  ResendResponder(std::unique_ptr<mqtt::Session> session, ResponderSettings settings);
  void received(const mqtt::IncomingMessage& message);
  void work();
  void answer(const std::string& topic, const resend::Notice& request);
  std::string resend_topic_of(const std::string& data_topic) const;

  std::unique_ptr<mqtt::Session> session_;
  ResponderSettings settings_;
  resend::KeptMessages kept_;
  std::unordered_set<std::string> seen_topics_;  // publishing thread only
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<std::pair<std::string, resend::Notice>> queue_;  // request topic, request
  bool busy_ = false;
  ResponderCounters counters_;
  std::thread thread_;
};

struct PubOptions;
// --keep: the responder for these options (its session's client id is -i's
// with "-resend" added, or a unique one); nothing when --keep is 0.
Result<std::unique_ptr<ResendResponder>> start_resend_responder(const PubOptions& options);

}  // namespace iot::pub
