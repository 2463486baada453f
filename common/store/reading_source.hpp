// Reads stored readings back out of a database (iot-replay --from-db).
//
// Contract: open a source over "sqlite:FILE" or "postgresql://..." (also
// "postgres://"), with optional filters; next() yields the readings grouped
// per (device_id, time) -- one nested-shape payload per group -- ordered
// by time, then device id. The payload JSON text is one line:
//   {"schema_version":"2.1","msg_id":"...","device_id":"P-007","ts":1710844800123,
//    "seq":48291,"d":{"temp_inlet_c":{"v":72.4,"q":192},...}}
// msg_id and seq are present only when every reading of the group carries
// the same stored value; "v" is null for a NULL value. ts is Unix ms (the
// stored time is µs; sub-ms precision is dropped in ts, kept in time_ns).
// Memory is bounded: rows are read in pages, never the whole table.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace iot::store {

struct ReadingFilter {
  std::vector<std::string> devices;   // empty: every device
  std::vector<std::string> metrics;   // empty: every metric
  std::optional<std::int64_t> since_ns;  // time >= since (inclusive)
  std::optional<std::int64_t> until_ns;  // time <  until (exclusive)
  std::string table = "readings";     // validated identifier
  std::string schema;                 // PostgreSQL schema; empty: "public"
};

struct StoredMessage {
  std::string device_id;
  std::int64_t time_ns = 0;
  std::string payload_json;  // a nested-shape payload, one line
  std::size_t reading_count = 0;
};

class ReadingSource {
 public:
  // Errors: usage ("bad_url", "bad_identifier"), unavailable ("db_unavailable").
  static Result<std::unique_ptr<ReadingSource>> open(const std::string& url, const ReadingFilter& filter);
  virtual ~ReadingSource() = default;
  // The next grouped message: true with `out` filled, false at the end.
  // Errors: unavailable (connection lost), internal (bad stored data).
  virtual Result<bool> next(StoredMessage& out) = 0;
};

}  // namespace iot::store
