#include "mqtt/resend_requester.hpp"

#include "core/log.hpp"

namespace iot::mqtt {
namespace {

// Gone notices waiting for poll(): a flood of them is cut here, not in memory.
constexpr std::size_t max_inbox = 10'000;
constexpr std::size_t max_topics = 100'000;

std::int64_t wall_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<ResendRequester>> ResendRequester::start(SessionConfig config,
                                                                 resend::ScheduleSettings settings) {
  auto session = Session::create(std::move(config));
  if (!session) return session.error();
  std::unique_ptr<ResendRequester> r(new ResendRequester(std::move(*session), settings));
  r->session_->subscribe_on_connect({}, 1);
  r->session_->on_message([p = r.get()](const IncomingMessage& m) { p->received(m); });
  if (auto st = r->session_->start(); !st) return st.error();
  r->timer_ = std::thread([p = r.get()] { p->timer(); });
  return r;
}

ResendRequester::ResendRequester(std::unique_ptr<Session> session, resend::ScheduleSettings settings)
    : session_(std::move(session)), schedule_(settings) {}

ResendRequester::~ResendRequester() { stop(); }

void ResendRequester::stop() {
  {
    std::lock_guard lock(timer_mutex_);
    stopping_ = true;
  }
  timer_wake_.notify_all();
  if (timer_.joinable()) timer_.join();
  if (session_) session_->stop();
}

void ResendRequester::received(const IncomingMessage& m) {
  auto notice = resend::parse(m.payload, resend::NoticeKind::gone);
  std::lock_guard lock(inbox_mutex_);
  if (!notice || inbox_.size() >= max_inbox) {
    ++bad_notices_;
    if (!notice) log::warn_repeated("resend_notice", "--resend: a bad gone notice on {}: {}", m.topic,
                                    notice.error().message);
    return;
  }
  inbox_.push_back(std::move(*notice));
}

std::uint64_t ResendRequester::bad_notices() const {
  std::lock_guard lock(inbox_mutex_);
  return bad_notices_;
}

void ResendRequester::on_gap_event(const checks::GapEvent& event, std::string_view resend_topic) {
  std::lock_guard lock(mutex_);
  schedule_.on_gap_event(event, resend_topic, resend::Clock::now());
}

void ResendRequester::run_due() {
  std::vector<resend::Notice> gone;
  {
    std::lock_guard lock(inbox_mutex_);
    gone.swap(inbox_);
  }
  for (const auto& g : gone) schedule_.on_gone(g);
  auto work = schedule_.due(resend::Clock::now(), wall_now_ns());
  for (const auto& r : work.requests) {
    // One subscription per resend topic; past max_topics, topics are
    // subscribed (the session finds a repeat at once) but not remembered.
    if (subscribed_.count(r.topic) == 0) {
      if (subscribed_.size() < max_topics) subscribed_.insert(r.topic);
      if (auto st = session_->subscribe(resend::gone_topic(r.topic)); !st)
        log::warn("--resend: {}", st.error().message);
    }
    Properties props;
    props.content_type = "application/json";
    auto sent = session_->publish(r.topic, resend::render(r.request), 1, false, props);
    if (!sent) log::warn_repeated("resend_publish", "--resend: request on {} not sent: {}", r.topic, sent.error().message);
    else log::debug("--resend: asked {} for {} seqs {}..{}", r.topic, r.request.device_id, r.request.from_seq,
                    r.request.to_seq);
  }
  for (auto& l : work.lost)
    if (lost_.size() < max_inbox) lost_.push_back(std::move(l));
}

std::vector<resend::LostGap> ResendRequester::poll() {
  std::lock_guard lock(mutex_);
  run_due();
  return std::exchange(lost_, {});
}

void ResendRequester::timer() {
  std::unique_lock lock(timer_mutex_);
  while (!stopping_) {
    timer_wake_.wait_for(lock, std::chrono::milliseconds(50));
    if (stopping_) break;
    lock.unlock();
    {
      std::lock_guard work(mutex_);
      run_due();
    }
    lock.lock();
  }
}

resend::ScheduleCounters ResendRequester::counters() const {
  std::lock_guard lock(mutex_);
  return schedule_.counters();
}

std::size_t ResendRequester::open_gaps() const {
  std::lock_guard lock(mutex_);
  return schedule_.open();
}

}  // namespace iot::mqtt
