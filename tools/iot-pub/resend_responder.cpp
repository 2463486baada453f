#include "iot-pub/resend_responder.hpp"

#include <chrono>

#include "cli/broker_config.hpp"
#include "cli/run.hpp"
#include "core/log.hpp"
#include "iot-pub/options.hpp"
#include "iot-pub/props_json.hpp"
#include "iot-pub/rate_limiter.hpp"
#include "registry/registry.hpp"
#include "resend/resend_topic.hpp"
#include "telemetry/field_template.hpp"

namespace iot::pub {
namespace {

constexpr std::size_t max_queued_requests = 1000;
constexpr std::size_t max_answer_messages = 10'000;  // per request; the rest is asked for again
constexpr std::size_t max_seen_topics = 100'000;     // past it, new topics are still subscribed, not remembered

std::int64_t wall_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<ResendResponder>> ResendResponder::start(mqtt::SessionConfig config, ResponderSettings settings) {
  config.caller_loop = false;  // it receives: a loop thread of its own
  config.retries = 0;          // never gives up: iot-pub's own session decides when the run fails
  auto session = mqtt::Session::create(std::move(config));
  if (!session) return session.error();
  std::unique_ptr<ResendResponder> r(new ResendResponder(std::move(*session), std::move(settings)));
  r->session_->subscribe_on_connect({}, 1);
  r->session_->on_message([p = r.get()](const mqtt::IncomingMessage& m) { p->received(m); });
  if (auto st = r->session_->start(); !st) return st.error();
  r->thread_ = std::thread([p = r.get()] { p->work(); });
  return r;
}

ResendResponder::ResendResponder(std::unique_ptr<mqtt::Session> session, ResponderSettings settings)
    : session_(std::move(session)), settings_(std::move(settings)), kept_(settings_.keep, settings_.max_kept) {}

ResendResponder::~ResendResponder() { stop(); }

void ResendResponder::stop() {
  {
    std::lock_guard lock(mutex_);  // the worker checks stop_ under it: no wake-up is missed
    if (stop_.exchange(true)) return;
  }
  work_ready_.notify_all();
  if (thread_.joinable()) thread_.join();
  session_->stop();
}

std::string ResendResponder::resend_topic_of(const std::string& data_topic) const {
  const std::string* tmpl = &settings_.topic_template;
  std::map<std::string, std::string> fields;
  for (const auto& route : settings_.routes) {
    if (auto m = route.pattern.match(data_topic)) {
      tmpl = &route.resend_topic;
      fields = m->fields;
      break;
    }
  }
  auto topic = resend::resend_topic_for(*tmpl, data_topic, &fields);
  if (!topic) {
    log::warn_repeated("resend_topic", "--keep: no resend topic for {}: {}", data_topic, topic.error().message);
    return {};
  }
  return *topic;
}

void ResendResponder::sent(const spool::OutboxEntry& e) {
  resend::KeptMessage m{e.topic, e.payload, e.props_json, e.qos, false, 0, 0};
  if (!kept_.keep(std::move(m), wall_now_ns())) return;  // no device_id and seq: nothing to answer for
  if (seen_topics_.count(e.topic)) return;
  if (seen_topics_.size() < max_seen_topics) seen_topics_.insert(e.topic);
  auto topic = resend_topic_of(e.topic);
  if (topic.empty()) return;
  if (auto st = session_->subscribe(topic); !st) log::warn("--keep: {}", st.error().message);
}

void ResendResponder::received(const mqtt::IncomingMessage& m) {
  auto request = resend::parse(m.payload, resend::NoticeKind::request);
  std::lock_guard lock(mutex_);
  if (!request || queue_.size() >= max_queued_requests) {
    ++counters_.refused;
    if (!request) log::warn_repeated("resend_request", "--keep: a bad resend request on {}: {}", m.topic,
                                     request.error().message);
    else log::warn_repeated("resend_queue", "--keep: {} resend requests waiting; one on {} dropped",
                            max_queued_requests, m.topic);
    return;
  }
  queue_.emplace_back(std::string(m.topic), std::move(*request));
  work_ready_.notify_one();
}

void ResendResponder::work() {
  RateLimiter rate(settings_.rate);
  for (;;) {
    std::pair<std::string, resend::Notice> next;
    {
      std::unique_lock lock(mutex_);
      busy_ = false;
      work_ready_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      next = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    auto answer = kept_.lookup(next.second, wall_now_ns(), max_answer_messages);
    if (!answer.known_device) continue;  // another publisher's device
    {
      std::lock_guard lock(mutex_);
      ++counters_.requests;
    }
    log::debug("--keep: {} asks for {} seqs {}..{}: {} held", next.first, next.second.device_id,
               next.second.from_seq, next.second.to_seq, answer.held.size());
    for (const auto& m : answer.held) {
      std::chrono::nanoseconds wait{};
      while (!rate.try_take(std::chrono::steady_clock::now(), wait)) {
        if (stop_) return;
        std::this_thread::sleep_for(wait);
      }
      auto props = props_from_text(m.props_json);
      auto mid = session_->publish(m.topic, m.payload, m.qos, false, props ? *props : mqtt::Properties{});
      if (!mid) {
        log::warn_repeated("resend_publish", "--keep: seq {} of {} not sent again: {}", m.seq,
                           next.second.device_id, mid.error().message);
        continue;
      }
      std::lock_guard lock(mutex_);
      ++counters_.resent;
    }
    for (const auto& r : answer.gone) {
      resend::Notice gone{resend::NoticeKind::gone, next.second.device_id, r.from, r.to, wall_now_ns()};
      auto mid = session_->publish(resend::gone_topic(next.first), resend::render(gone), 1, false, mqtt::Properties{});
      if (!mid) {
        log::warn_repeated("resend_gone", "--keep: gone notice on {} not sent: {}", next.first, mid.error().message);
        continue;
      }
      std::lock_guard lock(mutex_);
      ++counters_.gone;
    }
  }
}

void ResendResponder::linger() {
  for (;;) {
    if (cli::interrupted() || stop_) return;
    kept_.expire(wall_now_ns());
    {
      std::lock_guard lock(mutex_);
      if (kept_.size() == 0 && queue_.empty() && !busy_) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

ResponderCounters ResendResponder::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

Result<std::unique_ptr<ResendResponder>> start_resend_responder(const PubOptions& o) {
  if (o.keep.value.count() <= 0) return std::unique_ptr<ResendResponder>();
  auto usage = [](std::string why) { return make_error(ErrorKind::usage, "usage", std::move(why)); };
  if (auto st = telemetry::check_template(o.resend_topic); !st) return usage("--resend-topic: " + st.error().message);
  ResponderSettings s;
  s.keep = o.keep.value;
  if (o.outbox_max) s.max_kept = o.outbox_max;
  s.rate = o.resend_rate.per_second;
  s.topic_template = o.resend_topic;
  s.qos = o.broker.qos;
  if (!o.registry.empty()) {
    auto registry = registry::Registry::load(o.registry);
    if (!registry) return registry.error();
    for (const auto& route : registry->routes())
      if (route.resend_topic) s.routes.push_back({route.pattern, *route.resend_topic});
  }
  cli::BrokerOptions broker = o.broker;
  if (!broker.client_id.empty()) broker.client_id += "-resend";
  auto config = cli::session_config_from(broker, "pub-resend");
  if (!config) return config.error();
  return ResendResponder::start(std::move(*config), std::move(s));
}

}  // namespace iot::pub
