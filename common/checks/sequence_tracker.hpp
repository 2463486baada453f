// SequenceTracker: gaps and reordering by `seq`, per device (iot-verify(1), DESCRIPTION:
// gaps).
//
// Per device it keeps the highest seq seen (last_seq) and the open gaps as
// inclusive missing ranges [from, to]. For each message:
//   - first seq of a device: remembered, nothing else;
//   - seq == last_seq + 1: in order;
//   - seq > last_seq + 1: a gap [last_seq + 1, seq - 1] opens (GapOpened);
//   - seq < last_seq inside an open gap: a late message; the gap narrows,
//     splits in two, or closes (GapNarrowed / GapFilled). Counted as
//     reordered; the missing count drops by one, never double-counted;
//   - seq <= last_seq anywhere else: reordered (seq already seen, or older
//     than the gaps still remembered).
// The caller removes msg_id duplicates before calling observe().
//
// Bounds (constant memory on an endless stream): at most max_gaps_per_device
// open gaps per device (when more open, the oldest is dropped: GapDropped,
// its seqs stay counted as missing in the totals but can no longer be
// filled) and at most max_devices devices (least recently seen device
// forgotten and counted in evicted(); a forgotten device that comes back
// starts afresh; see device_table.hpp).
//
// The rules and the per-device state are apart: SequenceChecker applies the
// rules to a SeqState the caller keeps (iot-verify keeps it beside its
// per-device counters, in one table); SequenceTracker is both, with its own
// DeviceTable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checks/device_table.hpp"

namespace iot::checks {

struct SeqRange {
  std::int64_t from = 0;  // first missing seq
  std::int64_t to = 0;    // last missing seq (inclusive)
  std::int64_t size() const { return to - from + 1; }
  bool operator==(const SeqRange&) const = default;
};

enum class GapEventKind { opened, narrowed, filled, dropped };

// What iot-ingest stores in its gaps table: `gap` is the range as it was
// opened (the row's key); `remaining` the ranges still missing of it after
// this event (empty when filled, two after a split).
struct GapEvent {
  GapEventKind kind = GapEventKind::opened;
  std::string device;
  SeqRange gap;
  std::vector<SeqRange> remaining;
};

enum class SeqOutcome { first, in_order, gap, filled_gap, reordered };

struct SeqResult {
  SeqOutcome outcome = SeqOutcome::first;
  std::int64_t last_seq = 0;  // the device's highest seq after this message
};

struct SequenceLimits {
  std::size_t max_gaps_per_device = 64;
  std::size_t max_devices = 100'000;
};

// One device's sequence state: 24 bytes while it has no open gap (most
// devices), the gaps on the heap when it has some.
struct SeqState {
  struct Gap {
    SeqRange original;  // as opened: the key iot-ingest stores it under
    SeqRange now;       // what is still missing of it (a split adds a Gap)
  };
  std::int64_t last_seq = 0;  // the highest seq seen, when seen
  bool seen = false;          // a seq was observed
  std::unique_ptr<std::vector<Gap>> gaps;  // ordered by range; null when none
};

// The rules, over a state the caller keeps per device.
class SequenceChecker {
 public:
  explicit SequenceChecker(std::size_t max_gaps_per_device = 64);
  // Observes one message of `device` (named in events) whose state is `state`.
  SeqResult observe(SeqState& state, std::string_view device, std::int64_t seq, std::vector<GapEvent>& events);

  // Totals over every device ever observed (forgotten ones included).
  std::uint64_t gap_events() const { return gap_events_; }  // gaps opened
  std::uint64_t missing() const { return missing_; }        // seqs still missing
  std::uint64_t reordered() const { return reordered_; }

 private:
  bool fill(std::string_view device, SeqState& d, std::int64_t seq, std::vector<GapEvent>& events);
  void cap_gaps(std::string_view device, SeqState& d, std::vector<GapEvent>& events);

  std::size_t max_gaps_;
  std::uint64_t gap_events_ = 0, missing_ = 0, reordered_ = 0;
};

class SequenceTracker {
 public:
  explicit SequenceTracker(SequenceLimits limits = {});

  // Observes one message; appends any gap events to `events` (not cleared).
  SeqResult observe(std::string_view device, std::int64_t seq, std::vector<GapEvent>& events);

  // Totals over every device ever seen (forgotten ones included).
  std::uint64_t gap_events() const { return checker_.gap_events(); }
  std::uint64_t missing() const { return checker_.missing(); }
  std::uint64_t reordered() const { return checker_.reordered(); }
  std::size_t devices() const { return devices_.size(); }
  std::uint64_t evicted() const { return devices_.evicted(); }
  // Open gaps of a device, oldest first (empty when unknown).
  std::vector<SeqRange> open_gaps(std::string_view device) const;

 private:
  SequenceChecker checker_;
  DeviceTable<SeqState> devices_;
};

}  // namespace iot::checks
