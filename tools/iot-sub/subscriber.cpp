#include "iot-sub/subscriber.hpp"

#include <unistd.h>

#include "core/log.hpp"
#include "cli/run.hpp"
#include "core/exit_codes.hpp"

namespace iot::sub {
namespace {
using Clock = std::chrono::steady_clock;
std::int64_t steady_ns() { return Clock::now().time_since_epoch().count(); }
std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Subscriber::Subscriber(EndConditions end, const MessageFormat& format, const FormatContext& context,
                       stream::LineWriter& out, Journal* journal, mqtt::Session& session)
    : end_(end), format_(format), context_(context), out_(out), journal_(journal), session_(session) {}

void Subscriber::attach() {
  session_.on_message([this](const mqtt::IncomingMessage& m) { handle(m); });
  session_.on_event([this] { changed_.notify_all(); });
  session_.on_idle([this] { write_out(); });
}

// The lines gathered while messages came back to back, in one write before
// the loop waits for the next one (iot-sub(1), DESCRIPTION).
void Subscriber::write_out() {
  if (done_ || io_failed_) return;
  if (auto st = out_.flush(); !st) {
    log::error("stdout: {}", st.error().message);
    io_failed_ = true;
    finish(true);
  }
}

void Subscriber::finish(bool stop_reading) {
  done_ = true;
  if (stop_reading) session_.disconnect_now();
  changed_.notify_all();
}

bool Subscriber::is_extra_copy(const mqtt::IncomingMessage& m) const {
  if (subscriptions_.size() < 2 || m.subscription_ids.empty()) return false;
  auto owner = topic::owning_subscription(subscriptions_, m.topic);
  if (!owner) return false;
  for (std::uint32_t id : m.subscription_ids) {
    // An identifier this run did not give (a --session kept from a run with
    // other filters) says nothing: keep the message.
    if (id == *owner + 1 || id == 0 || id > subscriptions_.size()) return false;
  }
  return true;
}

void Subscriber::handle(const mqtt::IncomingMessage& m) {
  if (done_) return;  // read after the DISCONNECT was queued: its PUBACK never goes out
  if (is_extra_copy(m)) {
    ++duplicate_copies_;
    log::debug("{}: a second copy for an overlapping filter, skipped", m.topic);
    return;
  }
  if (end_.no_retained && m.retain) return;
  if (end_.retained_only && !m.retain) {
    finish(true);
    return;
  }
  std::optional<std::uint64_t> jpos;
  if (journal_) jpos = journal_->next_position();
  std::string line = format_.render(m, wall_ns(), context_, jpos);
  if (journal_) {
    if (auto st = journal_->append(line); !st) {
      log::error("{}", st.error().message);
      if (end_.must_not_lose) ::_exit(exit_code::io_error);  // unacknowledged: the broker redelivers
      io_failed_ = true;
      finish(true);
      return;
    }
  }
  if (auto st = out_.write_line(line); !st) {
    if (!journal_ && end_.must_not_lose) {
      log::error("stdout: {}; exiting before acknowledging the message", st.error().message);
      ::_exit(exit_code::io_error);
    }
    log::error("stdout: {}", st.error().message);
    io_failed_ = true;
    finish(true);
    return;
  }
  last_rx_ = steady_ns();
  bytes_ += m.payload.size();
  std::uint64_t n = ++received_;
  if (end_.count && n >= end_.count) finish(true);
}

int Subscriber::wait() {
  const std::int64_t start = steady_ns();
  std::unique_lock lock(mutex_);
  for (;;) {
    if (io_failed_) return exit_code::io_error;
    if (done_) break;
    if (cli::interrupted()) return exit_code::interrupted;
    if (session_.state() == mqtt::SessionState::failed) {
      log::error("{}", session_.last_error().message);
      return exit_code::unavailable;
    }
    std::int64_t now = steady_ns();
    std::int64_t last = last_rx_.load() ? last_rx_.load() : start;
    if (end_.idle && now - last >= end_.idle->count()) break;
    if (end_.total && now - start >= end_.total->count()) break;
    changed_.wait_for(lock, std::chrono::milliseconds(50));
  }
  if (io_failed_) return exit_code::io_error;
  if (received_.load()) return exit_code::ok;
  // Time ran out: "nothing arrived" (3) only means something when the
  // broker was there to deliver it (iot-sub(1), EXIT STATUS).
  if (!session_.ever_connected()) {
    const auto& ep = session_.config().endpoint;
    std::string why = session_.last_error().message;  // "broker HOST:PORT: what the last attempt met"
    if (why.empty()) why = fmt::format("broker {}:{}: no answer", ep.host, ep.port);
    log::error("{}; never connected before the time ran out", why);
    return exit_code::unavailable;
  }
  return exit_code::no_input;
}

}  // namespace iot::sub
