// An MQTT client session over libmosquitto: one RAII owner of the handle,
// MQTT 5 or 3.1.1, TLS, user/password, keep-alive, reconnect with our own
// backoff, an in-flight window for QoS >= 1, and v5 properties both ways.
//
// Threading (iot-sub(1), DELIVERY GUARANTEES): by default the handle runs in
// "threaded" mode (mosquitto_threaded_set) with the network loop on a thread
// of ours. In that mode the PUBACK (QoS 1) for an incoming message is written
// only after the message handler returns, so a handler that stores the
// message before it returns gives at-least-once across a crash of the
// process. Handlers run on the loop thread; publish() may be called from any
// thread.
//
// A publisher sets SessionConfig::caller_loop instead: no thread of the
// session; the owner calls run_once() on its own thread, and publish() (same
// thread) writes the packet to the socket at once. That spares a thread
// hand-off and a loop wake-up per message, and lets the owner gather a burst
// of publishes into full TCP segments (begin_burst, end_burst).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mqtt/endpoint.hpp"
#include "core/result.hpp"
#include "core/backoff.hpp"
#include "mqtt/properties.hpp"

struct mosquitto;
struct mosquitto_message;

namespace iot::mqtt {

struct SessionConfig {
  BrokerEndpoint endpoint;
  std::string client_id;
  int protocol = 5;  // 5 or 311
  int keepalive = 60;
  bool clean_start = true;
  std::uint32_t session_expiry = 0;  // v5: seconds the broker keeps the session (clean_start off)
  std::string cafile, certfile, keyfile;
  bool insecure = false;  // skip the host name check (TLS), only when asked by name
  int max_inflight = 20;  // unacknowledged QoS >= 1 messages handed to the library
  // Consecutive failed connection attempts before the session gives up
  // (state failed, exit 69 or 75); 0 retries forever.
  int retries = 10;
  // Before the first connection, a refused port or a failed name lookup is
  // almost always a wrong address, not an outage: the session gives up after
  // this many such attempts (a second or two of backoff), as mosquitto_sub
  // does at once. The long backoff is for a connection that was up once.
  // retries = 0 (never give up) still retries forever.
  int first_connect_attempts = 3;
  std::chrono::milliseconds connect_timeout{10000};  // TCP + TLS + CONNACK, per attempt
  Backoff::Params backoff;
  // The owner runs the network loop with run_once() on the thread that
  // publishes (see the top of this file); only for sessions that do not
  // receive messages.
  bool caller_loop = false;
};

struct IncomingMessage {
  std::string_view topic;
  std::string_view payload;
  int qos = 0;
  bool retain = false;
  int mid = 0;  // the packet identifier (0 at QoS 0)
  Properties props;
  // MQTT 5: the subscription identifiers the copy came with (1 + the index
  // in subscribe_on_connect's list); empty under 3.1.1 or a single filter.
  std::vector<std::uint32_t> subscription_ids;
};

// One filter at its own QoS (the most the broker uses to deliver on it).
struct Subscription {
  std::string filter;
  int qos = 0;
};

enum class SessionState { idle, connecting, connected, failed, stopped };

class Session {
 public:
  using MessageHandler = std::function<void(const IncomingMessage&)>;
  // mid of a message the broker acknowledged (PUBACK/PUBCOMP), or, at QoS 0,
  // that was written to the socket; reason is the v5 reason code (0 ok).
  using PublishHandler = std::function<void(int mid, int reason)>;
  using EventHandler = std::function<void()>;  // the connection state changed

  static Result<std::unique_ptr<Session>> create(SessionConfig config);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Set before start().
  void on_message(MessageHandler handler) { on_message_ = std::move(handler); }
  void on_publish(PublishHandler handler) { on_publish_ = std::move(handler); }
  void on_event(EventHandler handler) { on_event_ = std::move(handler); }
  // Called on the loop thread after a step of the network loop when nothing
  // more waits unread on the socket, i.e. before the loop may block: a
  // message handler that gathers its output writes it here, so that
  // messages arriving back to back go out together and none is held while
  // the loop waits. Not with caller_loop.
  void on_idle(EventHandler handler) { on_idle_ = std::move(handler); }
  // Filters (re)subscribed after every successful CONNACK. Under MQTT 5
  // with more than one, each gets a SUBSCRIBE of its own carrying the
  // subscription identifier 1 + its index, so that a message that matched
  // several tells which one it was delivered for (IncomingMessage::
  // subscription_ids); under 3.1.1 one SUBSCRIBE per QoS.
  void subscribe_on_connect(std::vector<Subscription> subscriptions);
  void subscribe_on_connect(const std::vector<std::string>& filters, int qos);
  // Adds a filter while the session runs (any thread): subscribed now when
  // connected, and again after every reconnect. A filter given twice is
  // subscribed once. Its QoS is the last one subscribe_on_connect gave (0
  // if none).
  Status subscribe(std::string filter);

  // Starts the loop thread, which connects and reconnects (with
  // caller_loop: only marks the session connecting; run_once() does the rest).
  Status start();
  // caller_loop only, on the owner's thread: connects or reconnects when
  // due, reads what arrived (acknowledgements), writes what is queued, keeps
  // the connection alive. Waits at most max_wait for the socket or wake().
  void run_once(std::chrono::milliseconds max_wait);
  // caller_loop: from any thread, ends the wait of a run_once() now or the
  // next one (one write to an eventfd until run_once sees it).
  void wake();
  // caller_loop: publishes between these leave in as few TCP segments as
  // fit (TCP_CORK); end_burst() sends what is held. The owner ends every
  // burst before it waits, so nothing is held longer than the burst.
  void begin_burst();
  void end_burst();
  // Waits until connected, failed or `timeout`; the error says why not.
  Status wait_connected(std::chrono::milliseconds timeout);
  // Ends the session: DISCONNECT when connected, then joins the loop thread
  // (caller_loop: flushes on the caller's thread).
  void stop();
  // From a message handler: send DISCONNECT now, so that messages read after
  // this one are not acknowledged (their PUBACKs would follow the DISCONNECT),
  // and end the loop without reconnecting. stop() still joins.
  void disconnect_now();

  // Hands a message to libmosquitto and returns its mid. QoS >= 1 while
  // disconnected is accepted (libmosquitto queues it and sends it after the
  // reconnect: iot-pub(1), DELIVERY GUARANTEES), so the caller must never publish it again.
  // QoS 0 while disconnected fails (kind unavailable): nothing was queued.
  Result<int> publish(std::string_view topic, std::string_view payload, int qos, bool retain,
                      const Properties& props);
  // The same with the properties already built (property_list): a publisher
  // that sends the same properties with every message builds them once.
  Result<int> publish_prepared(std::string_view topic, std::string_view payload, int qos, bool retain,
                      const PropertyList& props);
  // props as this session sends them: an empty list under MQTT 3.1.1.
  Result<PropertyList> property_list(const Properties& props) const;

  SessionState state() const { return state_.load(); }
  bool connected() const { return state_.load() == SessionState::connected; }
  bool ever_connected() const { return ever_connected_.load(); }
  std::uint64_t reconnects() const { return reconnects_.load(); }
  // The session failed because the broker does not do QoS 2 (see
  // qos2_dropped): the tool exits 69 whatever is left unsent, since
  // sending it again to this broker cannot succeed.
  bool broker_lacks_qos2() const { return broker_lacks_qos2_.load(); }
  Error last_error() const;
  const SessionConfig& config() const { return config_; }

 private:
  explicit Session(SessionConfig config);
  Status configure();
  void loop_thread();
  // Bytes of the next packets are waiting on the socket already.
  bool input_waiting() const;
  // One step: connect when due, else run the network once (threaded:
  // mosquitto_loop; caller_loop: poll and the loop_read/write/misc calls).
  void step(std::chrono::milliseconds max_wait);
  int run_network(std::chrono::milliseconds max_wait);
  void wait_wake(std::chrono::milliseconds d);
  void disconnect_and_flush();
  void set_cork(bool on);
  bool attempt_connect(bool first);
  // fatal: give up now; wrong_address: a refused port or failed lookup (first_connect_attempts).
  void attempt_failed(const std::string& why, bool fatal, bool wrong_address = false);
  void set_state(SessionState s);
  void notify() const;
  // The connection ended with rc: when that says the broker does not do
  // QoS 2, the session fails (broker_lacks_qos2) instead of reconnecting.
  bool qos2_dropped(int rc);
  void fail_without_qos2(const std::string& why);
  bool sleep_unless_stopped(std::chrono::milliseconds d);

  // On the loop thread, after each CONNACK.
  void send_subscriptions(std::vector<Subscription>& subscriptions);
  void expect_suback(int mid, std::vector<Subscription> asked);
  static void handle_connect(mosquitto*, void* self, int rc, int flags, const mosquitto_property* props);
  static void handle_disconnect(mosquitto*, void* self, int rc, const mosquitto_property* props);
  static void handle_publish(mosquitto*, void* self, int mid, int reason, const mosquitto_property* props);
  static void handle_subscribe(mosquitto*, void* self, int mid, int count, const int* granted,
                               const mosquitto_property* props);
  static void handle_message(mosquitto*, void* self, const ::mosquitto_message* msg,
                             const mosquitto_property* props);

  SessionConfig config_;
  std::unique_ptr<mosquitto, void (*)(mosquitto*)> mosq_;
  MessageHandler on_message_;
  PublishHandler on_publish_;
  EventHandler on_event_;
  EventHandler on_idle_;
  std::vector<Subscription> subscriptions_;      // guarded by mutex_ (subscribe() from any thread)
  std::unordered_set<std::string> filter_set_;  // their filters, to find one in constant time
  int sub_qos_ = 0;
  // SUBSCRIBEs awaiting their SUBACK (mid -> filters and the QoS asked), and
  // the filters already warned about a lower granted QoS (once each).
  std::unordered_map<int, std::vector<Subscription>> pending_subacks_;  // guarded by mutex_
  std::unordered_set<std::string> downgrade_warned_;                    // loop thread only

  // A broker without QoS 2. RabbitMQ's MQTT plugin answers a QoS 2 PUBLISH
  // with PUBACK, which libmosquitto takes as a protocol error: it drops the
  // connection and, after the reconnect, sends the message again, a copy
  // to every subscriber each time. So the session counts the connections
  // that ended in a protocol error with QoS 2 publishes unfinished and none
  // completed on them; the first such one fails the session when no QoS 2
  // publish ever completed (the broker never showed it does QoS 2), the
  // second in a row otherwise. mosquitto with max_qos 1 under MQTT 3.1.1
  // closes the connection instead (no reason code to send): that counts
  // when the connection ends within kQos2CloseWindow of its CONNACK with
  // QoS 2 publishes unfinished and none ever completed, kQos2Closes times
  // in a row (a network that drops one connection is not a broker without
  // QoS 2). Under MQTT 5 the CONNACK's Maximum QoS says it before anything
  // is sent. qos2_mutex_ guards the mids and the counts.
  std::recursive_mutex qos2_mutex_;
  std::unordered_set<int> qos2_mids_;  // QoS 2 publishes not completed yet
  std::atomic<bool> qos2_pending_{false};  // qos2_mids_ is not empty: acks need a look
  bool qos2_completed_here_ = false;       // on the current connection
  bool qos2_ever_completed_ = false;
  int qos2_drops_ = 0;                     // consecutive connections, as above
  int qos2_closes_ = 0;                    // consecutive closes, as above
  std::chrono::steady_clock::time_point qos2_connected_at_;  // the current connection's CONNACK
  static constexpr int kQos2Closes = 3;
  static constexpr std::chrono::seconds kQos2CloseWindow{5};
  std::atomic<int> broker_max_qos_{2};     // MQTT 5 CONNACK Maximum QoS
  std::atomic<bool> broker_lacks_qos2_{false};

  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<SessionState> state_{SessionState::idle};
  std::atomic<bool> ever_connected_{false};
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<int> connack_refused_{-1};  // CONNACK reason when refused
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  Error last_error_;
  Backoff backoff_;
  int failures_ = 0;
  // The connection's life between steps (loop or owner thread only).
  bool socket_open_ = false;
  bool first_attempt_ = true;
  std::chrono::steady_clock::time_point next_attempt_{}, attempt_started_{};
  // caller_loop
  int wake_fd_ = -1;  // eventfd: wake() -> run_once
  std::atomic<bool> wake_pending_{false};
  bool corked_ = false;
};

}  // namespace iot::mqtt
