#include "checks/sequence_tracker.hpp"

#include <algorithm>
#include <cstdint>

namespace iot::checks {

SequenceChecker::SequenceChecker(std::size_t max_gaps_per_device)
    : max_gaps_(std::max<std::size_t>(max_gaps_per_device, 1)) {}

// A late seq inside an open gap: narrow, split or close that gap.
bool SequenceChecker::fill(std::string_view device, SeqState& d, std::int64_t seq, std::vector<GapEvent>& events) {
  if (!d.gaps) return false;
  auto& gaps = *d.gaps;
  auto it = std::find_if(gaps.begin(), gaps.end(),
                         [&](const SeqState::Gap& g) { return seq >= g.now.from && seq <= g.now.to; });
  if (it == gaps.end()) return false;
  --missing_;
  const SeqRange original = it->original;
  SeqRange now = it->now;
  if (now.from == now.to) {
    gaps.erase(it);
  } else if (seq == now.from) {
    it->now.from = seq + 1;
  } else if (seq == now.to) {
    it->now.to = seq - 1;
  } else {
    it->now.to = seq - 1;
    gaps.insert(it + 1, SeqState::Gap{original, SeqRange{seq + 1, now.to}});
  }
  // The ranges of the same original gap still open, for the event.
  GapEvent e{GapEventKind::filled, std::string(device), original, {}};
  for (const auto& g : gaps)
    if (g.original == original) e.remaining.push_back(g.now);
  if (!e.remaining.empty()) e.kind = GapEventKind::narrowed;
  events.push_back(std::move(e));
  if (gaps.empty()) d.gaps.reset();  // a device without gaps holds no heap memory
  return true;
}

void SequenceChecker::cap_gaps(std::string_view device, SeqState& d, std::vector<GapEvent>& events) {
  auto& gaps = *d.gaps;
  while (gaps.size() > max_gaps_) {
    SeqState::Gap oldest = gaps.front();  // at most max_gaps_per_device to shift
    gaps.erase(gaps.begin());
    events.push_back(GapEvent{GapEventKind::dropped, std::string(device), oldest.original, {oldest.now}});
  }
}

SeqResult SequenceChecker::observe(SeqState& d, std::string_view device, std::int64_t seq,
                                   std::vector<GapEvent>& events) {
  if (!d.seen) {
    d.seen = true;
    d.last_seq = seq;
    return {SeqOutcome::first, seq};
  }
  if (d.last_seq != INT64_MAX && seq == d.last_seq + 1) {
    d.last_seq = seq;
    return {SeqOutcome::in_order, seq};
  }
  if (seq > d.last_seq) {
    SeqRange gap{d.last_seq + 1, seq - 1};
    if (!d.gaps) d.gaps = std::make_unique<std::vector<SeqState::Gap>>();
    d.gaps->push_back(SeqState::Gap{gap, gap});
    ++gap_events_;
    missing_ += static_cast<std::uint64_t>(seq) - static_cast<std::uint64_t>(d.last_seq) - 1;
    events.push_back(GapEvent{GapEventKind::opened, std::string(device), gap, {gap}});
    cap_gaps(device, d, events);
    d.last_seq = seq;
    return {SeqOutcome::gap, seq};
  }
  ++reordered_;
  bool filled = fill(device, d, seq, events);
  return {filled ? SeqOutcome::filled_gap : SeqOutcome::reordered, d.last_seq};
}

SequenceTracker::SequenceTracker(SequenceLimits limits)
    : checker_(limits.max_gaps_per_device), devices_(limits.max_devices) {}

SeqResult SequenceTracker::observe(std::string_view device, std::int64_t seq, std::vector<GapEvent>& events) {
  bool created = false;
  return checker_.observe(devices_.touch(device, created), device, seq, events);
}

std::vector<SeqRange> SequenceTracker::open_gaps(std::string_view device) const {
  std::vector<SeqRange> out;
  const SeqState* d = devices_.find(device);
  if (!d || !d->gaps) return out;
  for (const auto& g : *d->gaps) out.push_back(g.now);
  return out;
}

}  // namespace iot::checks
