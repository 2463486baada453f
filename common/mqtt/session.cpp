#include "mqtt/session.hpp"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/log.hpp"
#include "mqtt/library.hpp"

namespace iot::mqtt {
namespace {
using Clock = std::chrono::steady_clock;

Error unavailable(std::string message) {
  return make_error(ErrorKind::unavailable, "unavailable", std::move(message));
}
}  // namespace

Session::Session(SessionConfig config)
    : config_(std::move(config)), mosq_(nullptr, mosquitto_destroy), backoff_(config_.backoff) {}

Session::~Session() {
  stop();
  mosq_.reset();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Result<std::unique_ptr<Session>> Session::create(SessionConfig config) {
  ensure_library();
  if (config.client_id.empty()) return make_error(ErrorKind::usage, "usage", "a client id is required");
  std::unique_ptr<Session> s(new Session(std::move(config)));
  auto* handle = mosquitto_new(s->config_.client_id.c_str(), s->config_.clean_start, s.get());
  if (!handle) return make_error(ErrorKind::usage, "usage", "cannot create an MQTT client (bad client id?)");
  s->mosq_.reset(handle);
  if (auto st = s->configure(); !st) return st.error();
  if (s->config_.caller_loop) {
    s->wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s->wake_fd_ < 0) return make_error(ErrorKind::io, "io", std::string("eventfd: ") + std::strerror(errno));
  }
  return s;
}

Status Session::configure() {
  mosquitto* m = mosq_.get();
  const auto& c = config_;
  // PUBACK after on_message returns (iot-sub(1), DELIVERY GUARANTEES). Not
  // with caller_loop: then publish() writes at once on the caller's thread.
  if (!c.caller_loop) mosquitto_threaded_set(m, true);
  mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, c.protocol == 5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
  mosquitto_int_option(m, MOSQ_OPT_SEND_MAXIMUM, c.max_inflight);
  // Receive Maximum (MQTT 5) at its highest: libmosquitto's default of 20 is
  // sent in CONNECT, and a broker resuming a session (mosquitto 2.0.11)
  // re-sends every QoS 1 and 2 message it had in flight at once, more than
  // 20 after a subscriber was killed mid-stream; libmosquitto then drops the
  // connection as a protocol error, again on every reconnect. The broker's
  // own max_inflight_messages still paces what it sends.
  mosquitto_int_option(m, MOSQ_OPT_RECEIVE_MAXIMUM, 65535);
  auto usage = [](std::string what) { return make_error(ErrorKind::usage, "usage", std::move(what)); };
  if (!c.endpoint.user.empty() || c.endpoint.password) {
    const char* pw = c.endpoint.password ? c.endpoint.password->c_str() : nullptr;
    if (mosquitto_username_pw_set(m, c.endpoint.user.empty() ? nullptr : c.endpoint.user.c_str(), pw) != MOSQ_ERR_SUCCESS)
      return usage("bad user name or password");
  }
  if (c.endpoint.tls) {
    const char* ca = c.cafile.empty() ? nullptr : c.cafile.c_str();
    const char* capath = ca ? nullptr : "/etc/ssl/certs";
    const char* cert = c.certfile.empty() ? nullptr : c.certfile.c_str();
    const char* key = c.keyfile.empty() ? nullptr : c.keyfile.c_str();
    if (bool(cert) != bool(key)) return usage("--cert and --key go together");
    int rc = mosquitto_tls_set(m, ca, capath, cert, key, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) return usage("TLS setup failed: " + error_text(rc) + " (check --cafile/--cert/--key)");
    if (c.insecure) mosquitto_tls_insecure_set(m, true);
  }
  mosquitto_connect_v5_callback_set(m, &Session::handle_connect);
  mosquitto_disconnect_v5_callback_set(m, &Session::handle_disconnect);
  mosquitto_publish_v5_callback_set(m, &Session::handle_publish);
  mosquitto_subscribe_v5_callback_set(m, &Session::handle_subscribe);
  mosquitto_message_v5_callback_set(m, &Session::handle_message);
  return ok_status();
}

void Session::subscribe_on_connect(std::vector<Subscription> subscriptions) {
  std::lock_guard lock(mutex_);
  subscriptions_ = std::move(subscriptions);
  filter_set_.clear();
  for (const auto& sub : subscriptions_) filter_set_.insert(sub.filter);
  sub_qos_ = subscriptions_.empty() ? 0 : subscriptions_.back().qos;
}

void Session::subscribe_on_connect(const std::vector<std::string>& filters, int qos) {
  std::vector<Subscription> subscriptions;
  for (const auto& f : filters) subscriptions.push_back({f, qos});
  subscribe_on_connect(std::move(subscriptions));
  std::lock_guard lock(mutex_);
  sub_qos_ = qos;
}

Status Session::subscribe(std::string filter) {
  int qos = 0;
  {
    std::lock_guard lock(mutex_);
    if (!filter_set_.insert(filter).second) return ok_status();
    subscriptions_.push_back({filter, sub_qos_});
    qos = sub_qos_;
  }
  // Tried whatever the state: a CONNACK being handled right now may have
  // taken the filters before this one was added. Not connected: the next
  // CONNACK subscribes it.
  int mid = 0;
  int rc = mosquitto_subscribe(mosq_.get(), &mid, filter.c_str(), qos);
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN)
    return make_error(ErrorKind::bad_input, "usage", "subscribe " + filter + ": " + error_text(rc));
  if (rc == MOSQ_ERR_SUCCESS) {
    std::lock_guard lock(mutex_);
    pending_subacks_[mid] = {{std::move(filter), qos}};
  }
  return ok_status();
}

Status Session::start() {
  if (thread_.joinable() || state_.load() != SessionState::idle) return ok_status();
  set_state(SessionState::connecting);
  if (!config_.caller_loop) thread_ = std::thread([this] { loop_thread(); });
  return ok_status();
}

Status Session::wait_connected(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [this] {
    auto s = state_.load();
    return s == SessionState::connected || s == SessionState::failed || s == SessionState::stopped;
  });
  if (state_.load() == SessionState::connected) return ok_status();
  if (state_.load() == SessionState::failed) return last_error_;
  return make_error(ErrorKind::timeout, "timeout", "not connected to the broker yet");
}

void Session::stop() {
  stop_ = true;
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  else if (config_.caller_loop) disconnect_and_flush();
  if (state_.load() != SessionState::failed) set_state(SessionState::stopped);
}

void Session::disconnect_now() {
  stop_ = true;
  mosquitto_disconnect(mosq_.get());
  changed_.notify_all();
}

Error Session::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

void Session::set_state(SessionState s) {
  {
    std::lock_guard lock(mutex_);
    state_ = s;
  }
  notify();
}

void Session::notify() const {
  changed_.notify_all();
  if (on_event_) on_event_();
}

bool Session::sleep_unless_stopped(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, d, [this] { return stop_.load(); });
  return !stop_.load();
}

void Session::attempt_failed(const std::string& why, bool fatal, bool wrong_address) {
  bool give_up;
  int limit = config_.retries;  // 0: no limit
  {
    std::lock_guard lock(mutex_);
    ++failures_;
    if (wrong_address && !ever_connected_.load() && limit > 0) limit = std::min(limit, config_.first_connect_attempts);
    give_up = fatal || (limit > 0 && failures_ >= limit);
    // The tool prints this once when it ends; the session itself only
    // reports the attempts it retries.
    last_error_ = unavailable(give_up ? fmt::format("broker {}:{}: {}; gave up after {} attempt(s)",
                                                    config_.endpoint.host, config_.endpoint.port, why, failures_)
                                      : fmt::format("broker {}:{}: {}", config_.endpoint.host, config_.endpoint.port,
                                                    why));
  }
  if (give_up) {
    stop_ = true;
    set_state(SessionState::failed);
  } else {
    log::warn("broker {}:{}: {} (attempt {}{}); retrying", config_.endpoint.host, config_.endpoint.port, why,
              failures_, limit > 0 ? fmt::format(" of {}", limit) : "");
    set_state(SessionState::connecting);
  }
}

// Opens the socket (TCP, TLS); the CONNACK arrives later through the loop.
bool Session::attempt_connect(bool first) {
  int rc;
  if (first) {
    PropertyList props;
    if (config_.protocol == 5 && config_.session_expiry > 0)
      mosquitto_property_add_int32(props.out(), MQTT_PROP_SESSION_EXPIRY_INTERVAL, config_.session_expiry);
    rc = mosquitto_connect_bind_v5(mosq_.get(), config_.endpoint.host.c_str(), config_.endpoint.port,
                                   config_.keepalive, nullptr, props.get());
  } else {
    rc = mosquitto_reconnect(mosq_.get());
  }
  if (rc == MOSQ_ERR_SUCCESS) return true;
  const int err = errno;  // the connect's own, before anything else runs
  const bool wrong_address = rc == MOSQ_ERR_EAI || (rc == MOSQ_ERR_ERRNO && err == ECONNREFUSED);
  std::string why = error_text(rc);
  attempt_failed(why, rc == MOSQ_ERR_TLS && !ever_connected_, wrong_address);
  return false;
}

void Session::loop_thread() {
  while (!stop_) {
    step(std::chrono::milliseconds(100));
    if (on_idle_ && !input_waiting()) on_idle_();
  }
  disconnect_and_flush();
}

// libmosquitto reads one packet per loop step (a subscriber at QoS 0 or 1
// has nothing queued that would make it read more) and keeps nothing read
// ahead, so the socket's own count says whether another packet is there.
// TLS may hold a decrypted record: then this says no, and the idle handler
// runs a little early, which costs a write, never a delay.
bool Session::input_waiting() const {
  int sock = mosquitto_socket(mosq_.get());
  int n = 0;
  return sock >= 0 && ::ioctl(sock, FIONREAD, &n) == 0 && n > 0;
}

void Session::run_once(std::chrono::milliseconds max_wait) {
  if (!stop_) step(max_wait);
}

void Session::wake() {
  if (wake_fd_ < 0 || wake_pending_.exchange(true)) return;  // one write until run_once sees it
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void Session::wait_wake(std::chrono::milliseconds d) {
  if (!config_.caller_loop) {
    (void)sleep_unless_stopped(d);
    return;
  }
  pollfd fd{wake_fd_, POLLIN, 0};
  if (::poll(&fd, 1, static_cast<int>(d.count())) > 0) {
    wake_pending_ = false;  // before the read: a wake() after it writes again
    std::uint64_t v;
    [[maybe_unused]] auto n = ::read(wake_fd_, &v, sizeof v);
  }
}

void Session::step(std::chrono::milliseconds max_wait) {
  mosquitto* m = mosq_.get();
  auto closed = [this] {
    socket_open_ = false;
    corked_ = false;
    std::lock_guard lock(mutex_);
    next_attempt_ = Clock::now() + backoff_.next();
  };
  if (!socket_open_) {
    // The first attempt at once; each later one after the backoff.
    if (!first_attempt_) {
      auto left = next_attempt_ - Clock::now();
      if (left > std::chrono::nanoseconds::zero()) {
        wait_wake(std::min(max_wait, std::chrono::ceil<std::chrono::milliseconds>(left)));
        if (stop_ || Clock::now() < next_attempt_) return;
      }
    }
    bool first = first_attempt_;
    first_attempt_ = false;
    socket_open_ = attempt_connect(first);
    if (socket_open_) attempt_started_ = Clock::now();
    else closed();
    return;
  }
  int rc = run_network(max_wait);
  if (int refused = connack_refused_.exchange(-1); refused >= 0) {
    mosquitto_disconnect(m);
    attempt_failed("connection refused: " + connack_text(refused, config_.protocol == 5), false);
    closed();
    return;
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    if (qos2_dropped(rc)) {
      closed();
      return;
    }
    if (state_.load() == SessionState::connected) {
      log::warn("connection to {}:{} lost: {}; reconnecting", config_.endpoint.host, config_.endpoint.port,
                error_text(rc));
      set_state(SessionState::connecting);
    } else {
      attempt_failed(error_text(rc), rc == MOSQ_ERR_TLS && !ever_connected_);
    }
    closed();
    return;
  }
  if (state_.load() != SessionState::connected && Clock::now() - attempt_started_ > config_.connect_timeout) {
    mosquitto_disconnect(m);
    attempt_failed("no CONNACK in time", false);
    closed();
  }
}

// Threaded: libmosquitto's own loop. caller_loop: until the CONNACK (TCP,
// TLS handshake) the same; once connected, one poll on the socket and the
// wake eventfd, then only the reads and writes that are ready.
int Session::run_network(std::chrono::milliseconds max_wait) {
  mosquitto* m = mosq_.get();
  if (!config_.caller_loop || state_.load() != SessionState::connected)
    return mosquitto_loop(m, static_cast<int>(std::min<std::int64_t>(max_wait.count(), 100)), 1);
  int sock = mosquitto_socket(m);
  if (sock < 0) return MOSQ_ERR_NO_CONN;
  pollfd fds[2] = {{sock, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  if (mosquitto_want_write(m)) fds[0].events |= POLLOUT;
  // At most a second, so that loop_misc keeps the keep-alive on time.
  int n = ::poll(fds, 2, static_cast<int>(std::clamp<std::int64_t>(max_wait.count(), 0, 1000)));
  if (n < 0) return errno == EINTR ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ERRNO;
  if (fds[1].revents & POLLIN) {
    wake_pending_ = false;  // before the read: a wake() after it writes again
    std::uint64_t v;
    [[maybe_unused]] auto r = ::read(wake_fd_, &v, sizeof v);
  }
  if (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) {
    int rc = mosquitto_loop_read(m, 1);
    if (rc != MOSQ_ERR_SUCCESS || mosquitto_socket(m) < 0) return rc;
  }
  if (mosquitto_want_write(m)) {
    int rc = mosquitto_loop_write(m, 1);
    if (rc != MOSQ_ERR_SUCCESS || mosquitto_socket(m) < 0) return rc;
  }
  return mosquitto_loop_misc(m);
}

bool Session::qos2_dropped(int rc) {
  std::string why;
  {
    std::lock_guard lock(qos2_mutex_);
    const bool unfinished = !qos2_mids_.empty() && !qos2_completed_here_;
    if (rc == MOSQ_ERR_PROTOCOL && unfinished) {
      if (++qos2_drops_ < (qos2_ever_completed_ ? 2 : 1)) return false;
      why = "it broke off a QoS 2 publish with a protocol error (RabbitMQ's MQTT plugin answers QoS 2 with PUBACK)";
    } else if (rc == MOSQ_ERR_CONN_LOST && unfinished && config_.protocol != 5 && !qos2_ever_completed_ &&
               Clock::now() - qos2_connected_at_ < kQos2CloseWindow) {
      if (++qos2_closes_ < kQos2Closes) return false;
      why = fmt::format("it closed the connection right after a QoS 2 publish, {} times in a row, and never "
                        "completed one (mosquitto with max_qos 1 does that under MQTT 3.1.1)",
                        kQos2Closes);
    } else {
      qos2_closes_ = 0;
      return false;
    }
  }
  fail_without_qos2(why);
  return true;
}

void Session::fail_without_qos2(const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    last_error_ = unavailable(fmt::format("broker {}:{} does not support QoS 2: {}; publish at QoS 1 (-q 1)",
                                          config_.endpoint.host, config_.endpoint.port, why));
  }
  broker_lacks_qos2_ = true;
  stop_ = true;
  set_state(SessionState::failed);
}

void Session::begin_burst() { set_cork(true); }
void Session::end_burst() { set_cork(false); }

void Session::set_cork(bool on) {
  if (!config_.caller_loop || corked_ == on) return;
  int sock = mosquitto_socket(mosq_.get());
  if (sock < 0 || (on && !connected())) return;
  int flag = on ? 1 : 0;
  if (::setsockopt(sock, IPPROTO_TCP, TCP_CORK, &flag, sizeof flag) == 0) corked_ = on;
}

void Session::disconnect_and_flush() {
  end_burst();
  mosquitto* m = mosq_.get();
  if (state_.load() == SessionState::connected || (broker_lacks_qos2_ && socket_open_)) {
    // A clean DISCONNECT, written after whatever acknowledgements are queued.
    mosquitto_disconnect(m);
    for (int i = 0; i < 10 && mosquitto_loop(m, 50, 1) == MOSQ_ERR_SUCCESS; ++i) {
    }
  }
  socket_open_ = false;
}

void Session::handle_connect(mosquitto*, void* self, int rc, int flags, const mosquitto_property* props) {
  auto* s = static_cast<Session*>(self);
  if (rc != 0) {
    s->connack_refused_ = rc;  // the loop thread counts the attempt and backs off
    return;
  }
  std::uint8_t max_qos = 2;  // absent: the broker does every QoS
  (void)mosquitto_property_read_byte(props, MQTT_PROP_MAXIMUM_QOS, &max_qos, false);
  s->broker_max_qos_ = max_qos;
  {
    std::lock_guard lock(s->qos2_mutex_);
    s->qos2_completed_here_ = false;
    s->qos2_connected_at_ = Clock::now();
  }
  if (s->ever_connected_.exchange(true)) ++s->reconnects_;
  std::vector<Subscription> subscriptions;
  {
    std::lock_guard lock(s->mutex_);
    s->failures_ = 0;
    s->backoff_.reset();
    subscriptions = s->subscriptions_;
    s->pending_subacks_.clear();  // those of a lost connection never come
  }
  log::debug("connected to {}:{} (session present: {})", s->config_.endpoint.host, s->config_.endpoint.port,
             (flags & 1) != 0);
  s->send_subscriptions(subscriptions);
  s->set_state(SessionState::connected);
}

void Session::send_subscriptions(std::vector<Subscription>& subscriptions) {
  mosquitto* m = mosq_.get();
  if (config_.protocol == 5 && subscriptions.size() > 1) {
    for (std::size_t i = 0; i < subscriptions.size(); ++i) {
      mosquitto_property* props = nullptr;
      int src = mosquitto_property_add_varint(&props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, static_cast<std::uint32_t>(i + 1));
      int mid = 0;
      if (src == MOSQ_ERR_SUCCESS)
        src = mosquitto_subscribe_v5(m, &mid, subscriptions[i].filter.c_str(), subscriptions[i].qos, 0, props);
      mosquitto_property_free_all(&props);
      if (src != MOSQ_ERR_SUCCESS) log::error("subscribe to {} failed: {}", subscriptions[i].filter, error_text(src));
      else expect_suback(mid, {subscriptions[i]});
    }
    return;
  }
  for (int qos = 0; qos <= 2; ++qos) {
    std::vector<char*> subs;
    std::vector<Subscription> asked;
    for (auto& sub : subscriptions)
      if (sub.qos == qos) {
        subs.push_back(sub.filter.data());
        asked.push_back(sub);
      }
    if (subs.empty()) continue;
    int mid = 0;
    int src = mosquitto_subscribe_multiple(m, &mid, static_cast<int>(subs.size()), subs.data(), qos, 0, nullptr);
    if (src != MOSQ_ERR_SUCCESS) log::error("subscribe failed: {}", error_text(src));
    else expect_suback(mid, std::move(asked));
  }
}

void Session::expect_suback(int mid, std::vector<Subscription> asked) {
  std::lock_guard lock(mutex_);
  pending_subacks_[mid] = std::move(asked);
}

// The SUBACK grants each filter a QoS, at most the one asked: a broker
// without QoS 2 (RabbitMQ) grants 1, and messages then come at most at that.
// Said once per filter (not after every reconnect); a refusal (0x80 and
// up) each time, as nothing arrives on that filter.
void Session::handle_subscribe(mosquitto*, void* self, int mid, int count, const int* granted,
                               const mosquitto_property*) {
  auto* s = static_cast<Session*>(self);
  std::vector<Subscription> asked;
  {
    std::lock_guard lock(s->mutex_);
    auto it = s->pending_subacks_.find(mid);
    if (it == s->pending_subacks_.end()) return;
    asked = std::move(it->second);
    s->pending_subacks_.erase(it);
  }
  const auto& ep = s->config_.endpoint;
  for (std::size_t i = 0; i < asked.size() && i < static_cast<std::size_t>(count); ++i) {
    if (granted[i] >= 0x80) {
      log::warn("broker {}:{} refused the subscription to {} (reason {:#x})", ep.host, ep.port, asked[i].filter,
                granted[i]);
    } else if (granted[i] < asked[i].qos && s->downgrade_warned_.insert(asked[i].filter).second) {
      log::warn("broker {}:{} granted QoS {} for {} (asked {}): its messages arrive at QoS {} at most", ep.host,
                ep.port, granted[i], asked[i].filter, asked[i].qos, granted[i]);
    }
  }
}

void Session::handle_disconnect(mosquitto*, void* self, int rc, const mosquitto_property*) {
  auto* s = static_cast<Session*>(self);
  if (rc != 0) log::debug("disconnected: {}", error_text(rc));
  s->notify();
}

void Session::handle_publish(mosquitto*, void* self, int mid, int reason, const mosquitto_property*) {
  auto* s = static_cast<Session*>(self);
  if (s->qos2_pending_.load(std::memory_order_acquire)) {
    std::lock_guard lock(s->qos2_mutex_);
    if (s->qos2_mids_.erase(mid)) {  // a PUBCOMP: the broker does QoS 2
      s->qos2_completed_here_ = s->qos2_ever_completed_ = true;
      s->qos2_drops_ = s->qos2_closes_ = 0;
      s->qos2_pending_ = !s->qos2_mids_.empty();
    }
  }
  if (s->on_publish_) s->on_publish_(mid, reason);  // the handler decides whom to wake
}

void Session::handle_message(mosquitto*, void* self, const ::mosquitto_message* msg,
                             const mosquitto_property* props) {
  auto* s = static_cast<Session*>(self);
  if (!s->on_message_) return;
  IncomingMessage in;
  in.topic = msg->topic ? std::string_view(msg->topic) : std::string_view();
  in.payload = std::string_view(static_cast<const char*>(msg->payload), static_cast<std::size_t>(msg->payloadlen));
  in.qos = msg->qos;
  in.retain = msg->retain;
  in.mid = msg->mid;
  in.props = from_property_list(props);
  std::uint32_t id = 0;
  for (const mosquitto_property* p = mosquitto_property_read_varint(props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, &id, false);
       p; p = mosquitto_property_read_varint(p, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, &id, true))
    in.subscription_ids.push_back(id);
  s->on_message_(in);
}

Result<PropertyList> Session::property_list(const Properties& props) const {
  if (config_.protocol != 5 || props.empty()) return PropertyList{};
  return to_property_list(props);
}

Result<int> Session::publish(std::string_view topic, std::string_view payload, int qos, bool retain,
                             const Properties& props) {
  auto list = property_list(props);
  if (!list) return list.error();
  return publish_prepared(topic, payload, qos, retain, *list);
}

Result<int> Session::publish_prepared(std::string_view topic, std::string_view payload, int qos, bool retain,
                                      const PropertyList& props) {
  if (qos == 2 && broker_max_qos_.load(std::memory_order_relaxed) < 2) {
    // Nothing is sent: libmosquitto would refuse each such message alone,
    // and the tool go on with the next.
    if (!broker_lacks_qos2_) fail_without_qos2(fmt::format("its CONNACK says Maximum QoS {}", broker_max_qos_.load()));
    return unavailable(last_error().message);
  }
  thread_local std::string topic_text;  // NUL-terminated for libmosquitto; its capacity is kept
  topic_text.assign(topic);
  // Taken before the publish: its PUBCOMP may come back (on the loop
  // thread) before mosquitto_publish_v5 returns. Recursive: with
  // caller_loop the publish may write a queued QoS 0 message, whose
  // on_publish runs on this thread.
  // qos2_pending_ is set first, so that such a PUBCOMP takes the lock and
  // waits for its mid instead of passing it by unrecorded.
  std::unique_lock<std::recursive_mutex> qos2_lock;
  if (qos == 2) {
    qos2_lock = std::unique_lock(qos2_mutex_);
    qos2_pending_ = true;
  }
  int mid = 0;
  int rc = mosquitto_publish_v5(mosq_.get(), &mid, topic_text.c_str(), static_cast<int>(payload.size()),
                                payload.data(), qos, retain, config_.protocol == 5 ? props.get() : nullptr);
  if (qos == 2) {
    if (rc == MOSQ_ERR_SUCCESS || rc == MOSQ_ERR_NO_CONN) qos2_mids_.insert(mid);
    qos2_pending_ = !qos2_mids_.empty();
  }
  if (qos2_lock) qos2_lock.unlock();
  switch (rc) {
    case MOSQ_ERR_SUCCESS: return mid;
    case MOSQ_ERR_NO_CONN:
      if (qos > 0) return mid;  // queued by libmosquitto: sent after the reconnect
      return unavailable("not connected");
    case MOSQ_ERR_PAYLOAD_SIZE:
    case MOSQ_ERR_OVERSIZE_PACKET:
      return make_error(ErrorKind::too_large, "too_large", "payload too large for the broker");
    case MOSQ_ERR_MALFORMED_UTF8:
    case MOSQ_ERR_INVAL:
    case MOSQ_ERR_QOS_NOT_SUPPORTED:
    case MOSQ_ERR_NOT_SUPPORTED:
      return make_error(ErrorKind::bad_input, "publish", "message refused: " + error_text(rc));
    default: return unavailable("publish failed: " + error_text(rc));
  }
}

}  // namespace iot::mqtt
