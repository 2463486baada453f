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

namespace iot::verify {

struct Counters {
  std::uint64_t total = 0;
  std::uint64_t valid = 0;
  std::uint64_t invalid = 0;
  std::uint64_t bad_json = 0;       // not JSON, not an object, or over the line limit
  std::uint64_t bad_signature = 0;  // forged, malformed or (with a key) missing HMAC
  std::uint64_t schema_errors = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t gap_events = 0;
  std::uint64_t missing = 0;        // seqs still missing (late arrivals subtracted)
  std::uint64_t reordered = 0;
  std::uint64_t future_ts = 0;
  std::uint64_t stale_ts = 0;
  std::uint64_t clock_drift = 0;

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
