// The counters of iot-verify's report (iot-verify(1), Report), for the whole stream and
// per device. total/valid/invalid and the reasons for invalid count lines;
// reordered and the timestamp findings count messages (a batch line holds
// several); gaps count events opened and seqs still missing.
#pragma once

#include <cstdint>
#include <optional>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

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

struct DeviceStats {
  Counters counters;
  std::optional<std::int64_t> last_seq;
};

// Looks device ids up by string_view, without building a std::string.
struct DeviceIdHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
};

struct Stats {
  Counters totals;
  std::unordered_map<std::string, DeviceStats, DeviceIdHash, std::equal_to<>> devices;
  // Devices beyond --max-devices: counted in the totals only.
  std::uint64_t untracked_devices_lines = 0;
};

}  // namespace iot::verify
