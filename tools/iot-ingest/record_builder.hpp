// A message on a route of kind state, metrics, event, lifecycle, log, job,
// job_request or action (iot-registry(5), KINDS) into what iot-ingest
// keeps of it: rows of the record tables (store/record_table.hpp) and what
// --notify sends to Redis. Pure: no I/O, so that the tests drive it line by
// line. A payload that does not have its kind's shape is reason "schema",
// the detail naming the kind and what is missing.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "registry/route_engine.hpp"
#include "store/record_table.hpp"
#include "store/redis_notify.hpp"

namespace iot::ingest {

struct KindOutput {
  std::string device_id, msg_id;           // the message's, for dedup
  std::vector<store::RecordRow> records;   // for the database
  std::vector<store::RedisNotice> notices;  // for --notify
  bool readings = false;                    // metrics with store = true: the readings path stores it too
};

// Whether a route's kind goes through build_kind (not readings or alarm).
bool is_record_kind(registry::RouteKind kind);

struct KindInput {
  simdjson::dom::element payload;
  std::string_view topic;
  std::optional<std::string_view> exact_payload;  // the payload's text when it held wide integers
  std::optional<std::int64_t> rx_ts;              // the envelope's receive time, ns
  std::int64_t now_ns = 0;                        // the time of a message that carries none
};

Result<KindOutput> build_kind(const KindInput& in, const registry::RouteMatch& match);

}  // namespace iot::ingest
