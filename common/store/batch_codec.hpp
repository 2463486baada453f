// A Batch as bytes for the disk spool, and back. Text lines, one row each,
// tab-separated fields in COPY text escaping ("\N" is NULL):
//   R time_ns device metric value quality tenant protocol unit msg_id seq tags extra table
//   G device from to detected_ns replace filled_ns remaining("from-to,from-to")
//   W upload device time_ns rate count format sha256 blob rms peak crest dominant
//   A msg_id device rule check metric raise value since_ms ts_ms detail topic
//   K table time_ns msg_id device tenant topic name label text number json
// The first line is "iot-spool-batch 1" so that a foreign file is refused.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "store/row.hpp"

namespace iot::store {

std::string encode_batch(const Batch& batch);
// Errors: bad_input "spool_corrupt" naming the line.
Result<Batch> decode_batch(std::string_view bytes);

}  // namespace iot::store
