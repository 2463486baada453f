#include "resend/schedule.hpp"

#include <algorithm>

namespace iot::resend {
namespace {

using checks::SeqRange;

std::uint64_t total(const std::vector<SeqRange>& ranges) {
  std::uint64_t n = 0;
  for (const auto& r : ranges) n += static_cast<std::uint64_t>(r.to - r.from) + 1;
  return n;
}

// ranges minus cut: what is left of each range outside [cut.from, cut.to].
std::vector<SeqRange> subtract(const std::vector<SeqRange>& ranges, SeqRange cut) {
  std::vector<SeqRange> out;
  for (const auto& r : ranges) {
    if (cut.to < r.from || cut.from > r.to) {
      out.push_back(r);
      continue;
    }
    if (r.from < cut.from) out.push_back({r.from, cut.from - 1});
    if (r.to > cut.to) out.push_back({cut.to + 1, r.to});
  }
  return out;
}

BackoffParams backoff_params(const ScheduleSettings& s) {
  auto ms = [](std::chrono::nanoseconds d) {
    return std::max(std::chrono::milliseconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(d));
  };
  auto initial = ms(s.after);
  return BackoffParams{initial, std::max(initial, ms(s.max_delay)), 2.0};
}

}  // namespace

ResendSchedule::ResendSchedule(ScheduleSettings settings)
    : settings_(settings), backoff_(backoff_params(settings), settings.seed) {
  settings_.tries = std::max(settings_.tries, 1);
  settings_.max_gaps = std::max<std::size_t>(settings_.max_gaps, 1);
}

std::vector<SeqRange> ResendSchedule::still_to_ask(const Gap& g) const {
  std::vector<SeqRange> ask = g.missing;
  for (const auto& cut : g.gone) ask = subtract(ask, cut);
  return ask;
}

void ResendSchedule::give_up(std::map<Key, Gap>::iterator it, LostWhy why, std::vector<LostGap>& out) {
  ++counters_.lost;
  if (why == LostWhy::gone) ++counters_.gone;
  out.push_back(LostGap{it->first.first, it->second.original, it->second.missing, why});
  gaps_.erase(it);
}

void ResendSchedule::on_gap_event(const checks::GapEvent& e, std::string_view resend_topic, Clock::time_point now) {
  using checks::GapEventKind;
  Key key{e.device, e.gap.from};
  if (e.kind == GapEventKind::opened) {
    if (gaps_.size() >= settings_.max_gaps) {
      // The gap asked for longest ago (or due soonest) makes room.
      auto oldest = std::min_element(gaps_.begin(), gaps_.end(),
                                     [](const auto& a, const auto& b) { return a.second.next < b.second.next; });
      give_up(oldest, LostWhy::over_limit, pending_lost_);
    }
    Gap g{std::string(resend_topic), e.gap, e.remaining, {}, 0, now + settings_.after};
    earliest_ = std::min(earliest_, g.next);
    gaps_.insert_or_assign(std::move(key), std::move(g));
    return;
  }
  auto it = gaps_.find(key);
  if (it == gaps_.end()) return;
  Gap& g = it->second;
  if (e.kind == GapEventKind::dropped) {
    give_up(it, LostWhy::over_limit, pending_lost_);
    return;
  }
  const std::uint64_t before = total(g.missing), after = total(e.remaining);
  if (g.sent > 0 && before > after) counters_.resent += before - after;
  if (e.kind == GapEventKind::filled || e.remaining.empty()) {
    if (g.sent > 0) ++counters_.healed;
    gaps_.erase(it);
    return;
  }
  g.missing = e.remaining;
}

void ResendSchedule::on_gone(const Notice& gone) {
  auto it = gaps_.lower_bound(Key{gone.device_id, INT64_MIN});
  while (it != gaps_.end() && it->first.first == gone.device_id) {
    Gap& g = it->second;
    SeqRange cut{std::max(gone.from_seq, g.original.from), std::min(gone.to_seq, g.original.to)};
    if (cut.from > cut.to) {
      ++it;
      continue;
    }
    g.gone.push_back(cut);
    if (still_to_ask(g).empty()) {
      auto next = std::next(it);
      give_up(it, LostWhy::gone, pending_lost_);
      it = next;
    } else {
      ++it;
    }
  }
}

DueWork ResendSchedule::due(Clock::time_point now, std::int64_t wall_ns) {
  DueWork work;
  work.lost = std::exchange(pending_lost_, {});
  if (now < earliest_) return work;
  earliest_ = Clock::time_point::max();
  for (auto it = gaps_.begin(); it != gaps_.end();) {
    Gap& g = it->second;
    if (g.next > now) {
      earliest_ = std::min(earliest_, g.next);
      ++it;
      continue;
    }
    auto ask = still_to_ask(g);
    if (ask.empty() || g.sent >= settings_.tries) {
      auto next = std::next(it);
      give_up(it, ask.empty() ? LostWhy::gone : LostWhy::no_answer, work.lost);
      it = next;
      continue;
    }
    for (const auto& r : ask)
      work.requests.push_back(DueRequest{g.topic, Notice{NoticeKind::request, it->first.first, r.from, r.to, wall_ns}});
    counters_.requests += ask.size();
    g.next = now + backoff_.after(g.sent);
    ++g.sent;
    earliest_ = std::min(earliest_, g.next);
    ++it;
  }
  return work;
}

std::optional<Clock::time_point> ResendSchedule::next_due() const {
  if (!pending_lost_.empty()) return Clock::time_point::min();
  if (gaps_.empty()) return std::nullopt;
  return earliest_;
}

}  // namespace iot::resend
