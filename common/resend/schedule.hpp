// ResendSchedule: when to ask for the seqs of an open gap again, and when to
// give up (iot-toolkit(7), RESEND ON GAP). Pure: the caller feeds it the
// sequence tracker's gap events and gone notices, asks due(now) for the
// requests to publish, and publishes them (mqtt/resend_requester.hpp).
//
// A gap still open `after` its opening is asked for (one request per range
// still missing of it); then again after a backoff (core/backoff: `after`,
// doubling, half jitter), `tries` requests in all. A gap that fills after a
// request is healed; one whose every missing seq a gone notice named, or
// still open one backoff after its last request, is lost for good: the
// schedule forgets it and due() reports it. Late messages that arrive before
// any request fill a gap as before, without a request.
//
// Bounded: at most max_gaps gaps are followed; past it the oldest is given
// up (reported lost). Not thread-safe: one thread owns a schedule.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/sequence_tracker.hpp"
#include "core/backoff.hpp"
#include "resend/notice.hpp"

namespace iot::resend {

using Clock = std::chrono::steady_clock;

struct ScheduleSettings {
  std::chrono::nanoseconds after{std::chrono::seconds(10)};  // --resend-after
  int tries = 5;                                             // --resend-tries
  std::chrono::nanoseconds max_delay{std::chrono::seconds(60)};  // the backoff's cap
  std::size_t max_gaps = 100'000;
  std::uint64_t seed = 0;  // the backoff's jitter (0: random)
};

// A request to publish now: its topic and the notice to render.
struct DueRequest {
  std::string topic;
  Notice request;
};

enum class LostWhy { gone, no_answer, over_limit };

// A gap the schedule gave up: the seqs in `missing` are lost for good.
struct LostGap {
  std::string device_id;
  checks::SeqRange gap;                  // as opened
  std::vector<checks::SeqRange> missing;  // still missing of it
  LostWhy why = LostWhy::no_answer;
};

struct ScheduleCounters {
  std::uint64_t requests = 0;  // requests published (one per range)
  std::uint64_t resent = 0;    // seqs that arrived after they were asked for
  std::uint64_t healed = 0;    // gaps filled after a request
  std::uint64_t lost = 0;      // gaps given up (gone, no answer, over max_gaps)
  std::uint64_t gone = 0;      // of those: ended by gone notices
};

struct DueWork {
  std::vector<DueRequest> requests;
  std::vector<LostGap> lost;
};

class ResendSchedule {
 public:
  explicit ResendSchedule(ScheduleSettings settings);

  // A gap event of the sequence tracker. For `opened`, resend_topic is where
  // its requests go; the others ignore it. Events of gaps the schedule does
  // not follow (given up already, or dropped by the tracker) change nothing.
  void on_gap_event(const checks::GapEvent& event, std::string_view resend_topic, Clock::time_point now);
  // A gone notice: its seqs are not asked for again.
  void on_gone(const Notice& gone);
  // The requests due at `now` (wall_ns: their requested_at) and the gaps
  // given up by now.
  DueWork due(Clock::time_point now, std::int64_t wall_ns);
  // When due() will have work next (nothing when no gap is followed).
  std::optional<Clock::time_point> next_due() const;

  std::size_t open() const { return gaps_.size(); }
  const ScheduleCounters& counters() const { return counters_; }

 private:
  struct Gap {
    std::string topic;
    checks::SeqRange original;
    std::vector<checks::SeqRange> missing;  // from the tracker
    std::vector<checks::SeqRange> gone;     // named by gone notices
    int sent = 0;                           // requests so far
    Clock::time_point next;                 // next request, or the give-up time after the last
  };
  using Key = std::pair<std::string, std::int64_t>;  // device, original.from

  std::vector<checks::SeqRange> still_to_ask(const Gap& g) const;
  void give_up(std::map<Key, Gap>::iterator it, LostWhy why, std::vector<LostGap>& out);

  ScheduleSettings settings_;
  Backoff backoff_;
  std::map<Key, Gap, std::less<>> gaps_;
  std::vector<LostGap> pending_lost_;  // reported by the next due()
  Clock::time_point earliest_ = Clock::time_point::max();  // no gap is due before
  ScheduleCounters counters_;
};

}  // namespace iot::resend
