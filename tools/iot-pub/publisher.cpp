#include "iot-pub/publisher.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "cli/run.hpp"
#include "core/exit_codes.hpp"
#include "iot-pub/props_json.hpp"

namespace iot::pub {
namespace {
using Clock = std::chrono::steady_clock;
constexpr int kFirstRefusalReason = 0x80;  // v5 PUBACK/PUBCOMP reason codes >= 0x80 are refusals
}  // namespace

Publisher::Publisher(PublisherSettings settings, spool::Outbox& outbox, mqtt::Session& session,
                     MessageBuilder& builder, stream::RejectSink& rejects, RateLimiter& rate)
    : settings_(settings), outbox_(outbox), session_(session), builder_(builder), rejects_(rejects), rate_(rate) {}

void Publisher::attach() {
  // Acknowledgements wake the publishing thread in groups (a quarter of the
  // window), not one by one: at tens of thousands of messages a second a
  // wake-up per PUBACK costs more than the work; the loop also polls.
  const std::size_t group = std::max(1, settings_.max_inflight / 4);
  session_.on_publish([this, group](int mid, int reason) {
    std::lock_guard lock(mutex_);
    acked_mids_.push_back(reason >= kFirstRefusalReason ? -mid : mid);  // negative: refused
    if (acked_mids_.size() >= group) {
      woken_ = true;
      work_.notify_all();
    }
  });
  session_.on_event([this] { wake(); });
}

void Publisher::wake() {
  if (session_.config().caller_loop) return session_.wake();
  std::lock_guard lock(mutex_);
  woken_ = true;
  work_.notify_all();
}

// With a caller_loop session this is where the network runs: the wait is a
// poll on the socket (acknowledgements) and the session's wake eventfd (input).
void Publisher::wait_for_work(std::chrono::milliseconds max) {
  if (session_.config().caller_loop) return session_.run_once(max);
  std::unique_lock lock(mutex_);
  work_.wait_for(lock, max, [this] { return woken_; });
  woken_ = false;
}

std::size_t Publisher::inflight() const { return inflight_ids_.size(); }

Status Publisher::apply_acks() {
  std::vector<int> mids;
  {
    std::lock_guard lock(mutex_);
    mids.swap(acked_mids_);
  }
  for (int signed_mid : mids) {
    int mid = signed_mid < 0 ? -signed_mid : signed_mid;
    auto it = mid_to_id_.find(mid);
    if (it == mid_to_id_.end()) continue;
    std::int64_t id = it->second;
    mid_to_id_.erase(it);
    inflight_ids_.erase(id);
    if (auto st = outbox_.remove(id); !st) return st;
    if (signed_mid < 0) {
      ++counters_.rejected;
      log::warn_repeated("refused by the broker", "the broker refused message {} (outbox id {})", mid, id);
    } else {
      ++counters_.acknowledged;
    }
    ++removed_since_commit_;
  }
  if (!mids.empty()) last_progress_ = Clock::now();
  return ok_status();
}

// How many lines the next read_input may take.
std::size_t Publisher::input_room() const {
  if (outbox_.held()) return 0;  // the outbox's disk is full: the input waits (backpressure)
  std::uint64_t room = settings_.batch;
  if (outbox_.full_policy_refuses() && outbox_.capacity())
    room = std::min<std::uint64_t>(room, outbox_.capacity() > outbox_.pending() ? outbox_.capacity() - outbox_.pending() : 0);
  // While connected, read the next batch only when fewer than a window's
  // worth wait unsent: reading far ahead buys nothing, sends every message's
  // bytes through memory the caches do not hold, and with --outbox costs a
  // commit (an fsync) per window sent instead of per batch read. While
  // disconnected, an outbox file keeps taking input (store and forward).
  if (session_.connected()) {
    std::uint64_t unsent = outbox_.pending() > inflight() ? outbox_.pending() - inflight() : 0;
    if (unsent >= static_cast<std::uint64_t>(settings_.max_inflight)) room = 0;
  }
  return room;
}

Status Publisher::read_input(InputQueue& input) {
  std::size_t room = input_room();
  if (room == 0) return ok_status();
  std::vector<InputLine> lines;
  input.take(lines, room);
  for (auto& line : lines) {
    ++counters_.read;
    if (line.too_long) {
      ++counters_.rejected;
      (void)rejects_.reject("too_large", "line over the length limit", line.source, "");
      continue;
    }
    Result<std::optional<spool::OutboxEntry>> entry = std::optional<spool::OutboxEntry>{};
    if (!line.raw) {
      entry = builder_.build(line.text);
    } else if (auto raw = builder_.build_raw(line.text)) {
      entry = std::optional<spool::OutboxEntry>{std::move(*raw)};
    } else {
      entry = raw.error();
    }
    if (!entry) {
      ++counters_.rejected;
      (void)rejects_.reject(entry.error().reason, entry.error().message, line.source, line.text);
      continue;
    }
    if (!*entry) continue;  // --deadband: nothing new in it
    std::uint64_t dropped_before = outbox_.dropped();
    auto added = outbox_.add(std::move(**entry));
    if (!added) return added.error();
    if (outbox_.has_unsent_additions() && uncommitted_++ == 0) {
      first_uncommitted_id_ = *added;
      first_uncommitted_at_ = Clock::now();
    }
    if (outbox_.dropped() > dropped_before) {
      counters_.dropped += outbox_.dropped() - dropped_before;
      log::warn("outbox full: dropped the oldest message ({} dropped so far)", outbox_.dropped());
    }
  }
  counters_.evicted_devices = outbox_.evicted_devices();
  return ok_status();
}

Status Publisher::fill_window() {
  if (!session_.connected()) return ok_status();
  std::size_t room = settings_.max_inflight > static_cast<int>(inflight()) ? settings_.max_inflight - inflight() : 0;
  if (room == 0) return ok_status();
  auto batch = outbox_.peek(room, inflight_ids_);
  if (!batch) return batch.error();
  // Several messages at once leave in full TCP segments, not one each.
  struct Burst {
    mqtt::Session& s;
    bool on;
    ~Burst() {
      if (on) s.end_burst();
    }
  } burst{session_, batch->size() > 1};
  if (burst.on) session_.begin_burst();
  for (auto& e : *batch) {
    if (uncommitted_ && e.id >= first_uncommitted_id_) continue;  // not durable yet: goes after the commit
    std::chrono::nanoseconds wait{};
    if (!rate_.try_take(Clock::now(), wait)) {
      rate_wait_ = wait;
      break;
    }
    if (e.props_json != cached_props_text_) {
      auto parsed = props_from_text(e.props_json);
      cached_props_ = session_.property_list(parsed ? *parsed : mqtt::Properties{});
      cached_props_text_ = e.props_json;
    }
    auto mid = cached_props_ ? session_.publish_prepared(e.topic, e.payload, e.qos, e.retain, *cached_props_)
                             : Result<int>(cached_props_.error());
    if (!mid) {
      if (mid.error().kind == ErrorKind::unavailable) break;  // QoS 0 while disconnected: try again later
      ++counters_.rejected;
      (void)rejects_.reject(mid.error().reason, mid.error().message, e.topic, e.payload);
      if (auto st = outbox_.remove(e.id); !st) return st;
      continue;
    }
    mid_to_id_[*mid] = e.id;
    inflight_ids_.insert(e.id);
    ++counters_.published;
    if (on_sent_) on_sent_(e);
  }
  return ok_status();
}

// Whether the loop can go on at once: acknowledgements to apply (QoS 0
// messages count as acknowledged inside publish() with a caller_loop
// session), lines waiting with room for them, or messages to send with room
// in the window (and no rate limit to wait for).
bool Publisher::work_waiting(const InputQueue& input, bool connected) const {
  {
    std::lock_guard lock(mutex_);
    if (!acked_mids_.empty()) return true;
  }
  bool paused = !settings_.durable && !connected;
  if (!paused && input_room() > 0 && input.ready() && !cli::interrupted()) return true;
  return connected && sendable() > 0 && inflight() < static_cast<std::size_t>(settings_.max_inflight) && rate_wait_.count() == 0;
}

// Messages in the outbox that may go out now: neither in flight nor
// waiting for their commit.
std::size_t Publisher::sendable() const {
  std::uint64_t busy = inflight() + uncommitted_;
  return outbox_.pending() > busy ? static_cast<std::size_t>(outbox_.pending() - busy) : 0;
}

// Whether added messages may stay uncommitted a little longer so that the
// next lines share their commit: a paced stream (a line every 100 us) would
// otherwise pay a commit, an fsync, for every line or two. Never longer
// than commit_delay after the first of them was read, never past a batch,
// and not once no more input can join them.
bool Publisher::additions_may_wait(const InputQueue& input) const {
  if (uncommitted_ == 0 || settings_.commit_delay.count() <= 0 || uncommitted_ >= settings_.batch) return false;
  if (input.finished() || cli::interrupted() || input_room() == 0) return false;
  return Clock::now() - first_uncommitted_at_ < settings_.commit_delay;
}

Status Publisher::commit(bool force, bool hold_additions) {
  if (!outbox_.in_batch()) return ok_status();
  // Added messages must be durable before they are sent (they may wait for
  // company, additions_may_wait); removals can wait for a larger group (a
  // lost removal only means a duplicate after a crash), or 100 ms.
  const bool additions = outbox_.has_unsent_additions();
  bool due = force || (additions && !hold_additions) || removed_since_commit_ >= settings_.batch ||
             ((removed_since_commit_ > 0 || !additions) && Clock::now() - last_commit_ > std::chrono::milliseconds(100));
  if (outbox_.held()) due = force || Clock::now() - last_commit_ >= settings_.disk_full_retry;
  if (!due) return ok_status();
  removed_since_commit_ = 0;
  last_commit_ = Clock::now();
  auto st = outbox_.commit();
  if (!st && st.error().reason == "disk_full") {
    note_disk_full();
    return ok_status();
  }
  if (st && disk_full_) {
    disk_full_ = false;
    log::info("outbox {}: room again; {} held line(s) committed, reading input again", settings_.outbox_name,
              uncommitted_);
  }
  if (st) uncommitted_ = 0;
  return st;
}

// The outbox holds the batch that did not fit (spool/outbox.hpp): the
// input waits, what the outbox already holds is still sent (each
// acknowledgement frees a row), and the commit is tried again every
// disk_full_retry. Logged once per episode.
void Publisher::note_disk_full() {
  if (disk_full_) return;
  disk_full_ = true;
  ++counters_.disk_full;
  log::warn("outbox {}: disk full; holding {} line(s), input paused; retrying every {}s", settings_.outbox_name,
            uncommitted_, std::chrono::duration_cast<std::chrono::seconds>(settings_.disk_full_retry).count());
}

// Stopping while the disk is full: the held lines were read and are not in
// the outbox file; they go with the process (exit 75, said here).
int Publisher::stop_held(int code, const InputQueue& input) {
  if (!outbox_.held()) return code;
  log::error("outbox {}: disk still full; {} line(s) read were not committed and are lost with this exit "
             "({} more read ahead, not yet taken)",
             settings_.outbox_name, uncommitted_, input.queued());
  return exit_code::temp_fail;
}

// While added messages wait for company, a line that arrives does not wake
// this thread (at 10,000 lines a second that is the most of the cost): it
// wakes when the commit is due, or when enough lines wait to end the hold.
void Publisher::hold_input_wakeups(InputQueue& input) const {
  if (uncommitted_ == 0) return input.set_wake_at(1);
  std::uint64_t unsent = outbox_.pending() > inflight() ? outbox_.pending() - inflight() : 0;
  std::uint64_t to_window = unsent < static_cast<std::uint64_t>(settings_.max_inflight) ? settings_.max_inflight - unsent : 1;
  std::uint64_t to_batch = uncommitted_ < settings_.batch ? settings_.batch - uncommitted_ : 1;
  input.set_wake_at(static_cast<std::size_t>(std::min(to_window, to_batch)));
}

int Publisher::run(InputQueue& input) {
  counters_.recovered = outbox_.pending();
  if (counters_.recovered)
    log::info("{} message(s) left in the outbox by an earlier run go out first", counters_.recovered);
  last_progress_ = last_commit_ = Clock::now();
  bool drain_started = false;
  auto fail_io = [](const Error& e) {
    log::error("{}", e.message);
    return exit_code::io_error;
  };
  while (true) {
    bool connected = session_.connected();
    // In flight when the connection went: sent again after the reconnect
    // (not when the session failed for want of QoS 2: nothing goes again).
    if (was_connected_ && !connected && !session_.broker_lacks_qos2()) counters_.retried += inflight();
    was_connected_ = connected;
    if (auto st = apply_acks(); !st) return fail_io(st.error());
    bool paused = !settings_.durable && !connected;  // without an outbox file, do not pile up input
    if (!paused && !cli::interrupted())
      if (auto st = read_input(input); !st) return fail_io(st.error());
    if (auto st = commit(false, additions_may_wait(input)); !st) return fail_io(st.error());
    hold_input_wakeups(input);
    if (auto st = fill_window(); !st) return fail_io(st.error());
    // QoS 0 messages count as acknowledged inside publish() with a
    // caller_loop session: apply them now rather than after another pass.
    if (auto st = apply_acks(); !st) return fail_io(st.error());
    bool input_done = input.finished();
    if (input_done && outbox_.pending() == 0 && !outbox_.held()) break;
    if (session_.state() == mqtt::SessionState::failed) {
      // With an outbox, what was already read from the input is kept for the next run.
      if (settings_.durable)
        while (!input.finished() && input.has_queued() && !outbox_.held() &&
               !(outbox_.full() && outbox_.full_policy_refuses()))
          if (auto st = read_input(input); !st) return fail_io(st.error());
      (void)commit(true);
      // A broker without QoS 2: sending what is left again cannot help.
      int code = session_.broker_lacks_qos2() || !outbox_.pending() ? exit_code::unavailable : exit_code::temp_fail;
      return stop_held(code, input);
    }
    if (cli::interrupted()) {
      (void)commit(true);
      return stop_held(exit_code::interrupted, input);
    }
    if (input_done && connected) {
      // Held lines cannot go out before their commit: no giving up on them.
      if (!drain_started || outbox_.held()) last_progress_ = Clock::now();
      drain_started = true;
      if (Clock::now() - last_progress_ > settings_.drain_timeout) {
        log::error("no acknowledgement for {} s; giving up",
                   std::chrono::duration_cast<std::chrono::seconds>(settings_.drain_timeout).count());
        (void)commit(true);
        return exit_code::temp_fail;
      }
    }
    auto wait = std::chrono::milliseconds(input_done || inflight() ? 5 : 50);
    if (uncommitted_) {  // wake when their commit is due
      auto due = first_uncommitted_at_ + settings_.commit_delay - Clock::now();
      wait = std::min(wait, std::max(std::chrono::milliseconds(0), std::chrono::ceil<std::chrono::milliseconds>(due)));
    }
    if (work_waiting(input, connected)) wait = std::chrono::milliseconds(0);
    if (rate_wait_.count() > 0) {
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(rate_wait_) +
                                std::chrono::milliseconds(1));
      rate_wait_ = {};
    }
    wait_for_work(wait);
  }
  if (auto st = commit(true); !st) return fail_io(st.error());
  return exit_code::ok;
}

}  // namespace iot::pub
