// The counters of iot-verify's report (iot-verify(1), Report), for the whole stream and
// per device. total/valid/invalid and the reasons for invalid count lines;
// reordered and the timestamp findings count messages (a batch line holds
// several); gaps count events opened and seqs still missing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "checks/device_table.hpp"
#include "checks/sequence_tracker.hpp"
#include "core/relaxed.hpp"

namespace iot::verify {

// Counted by the checking thread; the totals are read by --metrics-listen's
// thread too (core/relaxed.hpp).
struct Counters {
  Count total = 0;
  Count valid = 0;
  Count invalid = 0;
  Count bad_json = 0;       // not JSON, not an object, or over the line limit
  Count bad_signature = 0;  // forged, malformed or (with a key) missing HMAC
  Count schema_errors = 0;
  Count duplicates = 0;
  Count gap_events = 0;
  Count missing = 0;        // seqs still missing (late arrivals subtracted)
  Count reordered = 0;
  Count future_ts = 0;
  Count stale_ts = 0;
  Count clock_drift = 0;

  // Findings that are not invalid data (gaps, order, time).
  std::uint64_t findings() const { return gap_events + reordered + future_ts + stale_ts + clock_drift; }
  std::uint64_t problems() const { return invalid + missing + findings(); }
};

// One device's counters and its sequence state, kept together in one
// table entry (iot-verify(1), Resource use: about 180 bytes a device).
struct DeviceStats {
  Counters counters;
  checks::SeqState seq;
  std::optional<std::int64_t> last_seq() const {
    return seq.seen ? std::optional<std::int64_t>(seq.last_seq) : std::nullopt;
  }
};

struct Stats {
  static constexpr std::size_t default_max_devices = 1'000'000;
  explicit Stats(std::size_t max_devices = default_max_devices) : devices(max_devices) {}
  Counters totals;
  // At most --max-devices; past it the least recently seen device is
  // forgotten (its lines stay in the totals) and counted in evicted().
  checks::DeviceTable<DeviceStats> devices;
};

}  // namespace iot::verify
