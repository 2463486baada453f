#include "checks/sequence_tracker.hpp"

#include <algorithm>
#include <cstdint>

namespace iot::checks {

SequenceTracker::SequenceTracker(SequenceLimits limits) : limits_(limits) {
  limits_.max_devices = std::max<std::size_t>(limits_.max_devices, 1);
  limits_.max_gaps_per_device = std::max<std::size_t>(limits_.max_gaps_per_device, 1);
}

SequenceTracker::Device& SequenceTracker::touch(std::string_view device, bool& created) {
  auto it = devices_.find(device);
  created = it == devices_.end();
  if (!created) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second;
  }
  if (devices_.size() >= limits_.max_devices) {  // forget the least recently seen
    devices_.erase(devices_.find(std::string_view(lru_.back())));
    lru_.pop_back();
  }
  lru_.emplace_front(device);
  Device& d = devices_.try_emplace(lru_.front()).first->second;
  d.lru = lru_.begin();
  return d;
}

// A late seq inside an open gap: narrow, split or close that gap.
bool SequenceTracker::fill(std::string_view device, Device& d, std::int64_t seq,
                           std::vector<GapEvent>& events) {
  auto it = std::find_if(d.gaps.begin(), d.gaps.end(),
                         [&](const Gap& g) { return seq >= g.now.from && seq <= g.now.to; });
  if (it == d.gaps.end()) return false;
  --missing_;
  const SeqRange original = it->original;
  SeqRange now = it->now;
  if (now.from == now.to) {
    d.gaps.erase(it);
  } else if (seq == now.from) {
    it->now.from = seq + 1;
  } else if (seq == now.to) {
    it->now.to = seq - 1;
  } else {
    it->now.to = seq - 1;
    d.gaps.insert(it + 1, Gap{original, SeqRange{seq + 1, now.to}});
  }
  // The ranges of the same original gap still open, for the event.
  GapEvent e{GapEventKind::filled, std::string(device), original, {}};
  for (const Gap& g : d.gaps)
    if (g.original == original) e.remaining.push_back(g.now);
  if (!e.remaining.empty()) e.kind = GapEventKind::narrowed;
  events.push_back(std::move(e));
  return true;
}

void SequenceTracker::cap_gaps(std::string_view device, Device& d, std::vector<GapEvent>& events) {
  while (d.gaps.size() > limits_.max_gaps_per_device) {
    Gap oldest = d.gaps.front();  // at most max_gaps_per_device to shift
    d.gaps.erase(d.gaps.begin());
    events.push_back(GapEvent{GapEventKind::dropped, std::string(device), oldest.original, {oldest.now}});
  }
}

SeqResult SequenceTracker::observe(std::string_view device, std::int64_t seq, std::vector<GapEvent>& events) {
  bool created = false;
  Device& d = touch(device, created);
  if (created) {
    d.last_seq = seq;
    return {SeqOutcome::first, seq};
  }
  if (d.last_seq != INT64_MAX && seq == d.last_seq + 1) {
    d.last_seq = seq;
    return {SeqOutcome::in_order, seq};
  }
  if (seq > d.last_seq) {
    SeqRange gap{d.last_seq + 1, seq - 1};
    d.gaps.push_back(Gap{gap, gap});
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

std::vector<SeqRange> SequenceTracker::open_gaps(std::string_view device) const {
  std::vector<SeqRange> out;
  auto it = devices_.find(device);
  if (it == devices_.end()) return out;
  for (const Gap& g : it->second.gaps) out.push_back(g.now);
  return out;
}

}  // namespace iot::checks
