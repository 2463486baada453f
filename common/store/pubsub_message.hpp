// One Pub/Sub message per reading (iot-ingest(1), Pub/Sub): `data` is the
// reading as one JSON object with the fields of a stored row, `attributes`
// carry device_id, metric, msg_id and the reading's tags (so subscribers can
// filter without decoding data), `orderingKey` is the row's ordering key.
#pragma once

#include <string>

#include "core/result.hpp"
#include "store/row.hpp"

namespace iot::store {

// Pub/Sub's limits on one message; a reading over one is refused here, with
// the limit named, instead of failing a whole publish request.
inline constexpr std::size_t pubsub_max_message_bytes = 10'000'000;  // data + attributes + ordering key
inline constexpr std::size_t pubsub_max_attributes = 100;
inline constexpr std::size_t pubsub_max_attribute_key = 256;
inline constexpr std::size_t pubsub_max_attribute_value = 1024;
inline constexpr std::size_t pubsub_max_ordering_key = 1024;

// The data JSON: time (RFC 3339 UTC, microseconds), device_id, metric,
// value, quality, unit, tenant, protocol, msg_id, seq, tags (null when
// absent); with a `site` tag (the kpi shape) also site_code, sensor_id and
// pi_tag, the names seed bridges publish.
void append_reading_data(std::string& out, const ReadingRow& row);

// Appends {"data":"BASE64","attributes":{...},"orderingKey":"..."} for a
// publish request. Errors: bad_input "db_rejected" when the reading breaks a
// Pub/Sub limit (out is left as it was).
Status append_pubsub_message(std::string& out, const ReadingRow& row);

}  // namespace iot::store
