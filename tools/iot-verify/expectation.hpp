// --expect FILE (iot-verify(1)): the report compared with the ground truth
// that iot-replay --synthetic --inject ... --truth FILE wrote. The truth
// names the counters of the report it expects (total, valid, invalid,
// bad_json, duplicates, gaps, reordered) and, per device with a fault,
// duplicates, gaps, reordered and last_seq; every device ends at last_seq.
// iot-replay injects no other kind of fault, so bad_signature,
// schema_errors, future_ts, stale_ts and clock_drift are expected to be 0,
// for the stream and for every device.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "iot-verify/stats.hpp"

namespace iot::verify {

struct Expectation {
  std::string path;  // for messages
  Counters totals;
  std::map<std::string, Counters, std::less<>> devices;  // devices with a fault
  std::uint64_t last_seq = 0;
};

// Reads a truth file. A file that cannot be read or is no truth file is a
// usage error naming the file and what is missing.
Result<Expectation> load_expectation(const std::string& path);

// What differs, one sentence each ("duplicates: expected 12, found 11";
// "device P-0003 reordered: expected 1, found 0"); empty when the report
// matches.
std::vector<std::string> differences(const Expectation& expected, const Stats& found);

}  // namespace iot::verify
