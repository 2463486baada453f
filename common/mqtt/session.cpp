#include "mqtt/session.hpp"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <algorithm>
#include <cerrno>

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

Session::~Session() { stop(); }

Result<std::unique_ptr<Session>> Session::create(SessionConfig config) {
  ensure_library();
  if (config.client_id.empty()) return make_error(ErrorKind::usage, "usage", "a client id is required");
  std::unique_ptr<Session> s(new Session(std::move(config)));
  auto* handle = mosquitto_new(s->config_.client_id.c_str(), s->config_.clean_start, s.get());
  if (!handle) return make_error(ErrorKind::usage, "usage", "cannot create an MQTT client (bad client id?)");
  s->mosq_.reset(handle);
  if (auto st = s->configure(); !st) return st.error();
  return s;
}

Status Session::configure() {
  mosquitto* m = mosq_.get();
  const auto& c = config_;
  mosquitto_threaded_set(m, true);  // PUBACK after on_message returns (iot-sub(1), DELIVERY GUARANTEES)
  mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, c.protocol == 5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
  mosquitto_int_option(m, MOSQ_OPT_SEND_MAXIMUM, c.max_inflight);
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
  mosquitto_message_v5_callback_set(m, &Session::handle_message);
  return ok_status();
}

void Session::subscribe_on_connect(std::vector<std::string> filters, int qos) {
  filters_ = std::move(filters);
  sub_qos_ = qos;
}

Status Session::start() {
  if (thread_.joinable()) return ok_status();
  set_state(SessionState::connecting);
  thread_ = std::thread([this] { loop_thread(); });
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
  if (!first && !sleep_unless_stopped(backoff_.next())) return false;
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
  mosquitto* m = mosq_.get();
  bool first = true;
  while (!stop_) {
    bool opened = attempt_connect(first);
    first = false;
    if (!opened) continue;
    auto started = Clock::now();
    while (!stop_) {
      int rc = mosquitto_loop(m, 100, 1);
      if (int refused = connack_refused_.exchange(-1); refused >= 0) {
        mosquitto_disconnect(m);
        attempt_failed("connection refused: " + connack_text(refused, config_.protocol == 5), false);
        break;
      }
      if (rc != MOSQ_ERR_SUCCESS) {
        if (state_.load() == SessionState::connected) {
          log::warn("connection to {}:{} lost: {}; reconnecting", config_.endpoint.host, config_.endpoint.port,
                    error_text(rc));
          set_state(SessionState::connecting);
        } else {
          attempt_failed(error_text(rc), rc == MOSQ_ERR_TLS && !ever_connected_);
        }
        break;
      }
      if (state_.load() != SessionState::connected && Clock::now() - started > config_.connect_timeout) {
        mosquitto_disconnect(m);
        attempt_failed("no CONNACK in time", false);
        break;
      }
    }
  }
  if (state_.load() == SessionState::connected) {
    // A clean DISCONNECT, written after whatever acknowledgements are queued.
    mosquitto_disconnect(m);
    for (int i = 0; i < 10 && mosquitto_loop(m, 50, 1) == MOSQ_ERR_SUCCESS; ++i) {
    }
  }
}

void Session::handle_connect(mosquitto* m, void* self, int rc, int flags, const mosquitto_property*) {
  auto* s = static_cast<Session*>(self);
  if (rc != 0) {
    s->connack_refused_ = rc;  // the loop thread counts the attempt and backs off
    return;
  }
  if (s->ever_connected_.exchange(true)) ++s->reconnects_;
  {
    std::lock_guard lock(s->mutex_);
    s->failures_ = 0;
    s->backoff_.reset();
  }
  log::debug("connected to {}:{} (session present: {})", s->config_.endpoint.host, s->config_.endpoint.port,
             (flags & 1) != 0);
  if (!s->filters_.empty()) {
    std::vector<char*> subs;
    for (auto& f : s->filters_) subs.push_back(f.data());
    int src = mosquitto_subscribe_multiple(m, nullptr, static_cast<int>(subs.size()), subs.data(), s->sub_qos_, 0,
                                           nullptr);
    if (src != MOSQ_ERR_SUCCESS) log::error("subscribe failed: {}", error_text(src));
  }
  s->set_state(SessionState::connected);
}

void Session::handle_disconnect(mosquitto*, void* self, int rc, const mosquitto_property*) {
  auto* s = static_cast<Session*>(self);
  if (rc != 0) log::debug("disconnected: {}", error_text(rc));
  s->notify();
}

void Session::handle_publish(mosquitto*, void* self, int mid, int reason, const mosquitto_property*) {
  auto* s = static_cast<Session*>(self);
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
  s->on_message_(in);
}

Result<int> Session::publish(std::string_view topic, std::string_view payload, int qos, bool retain,
                             const Properties& props) {
  PropertyList list;
  if (config_.protocol == 5 && !props.empty()) {
    auto built = to_property_list(props);
    if (!built) return built.error();
    list = std::move(*built);
  }
  std::string topic_text(topic);
  int mid = 0;
  int rc = mosquitto_publish_v5(mosq_.get(), &mid, topic_text.c_str(), static_cast<int>(payload.size()),
                                payload.data(), qos, retain, list.get());
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
