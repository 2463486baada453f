// What mosquitto_pub users publish (iot-pub(1) "RAW PAYLOADS"): the bytes of
// a whole file or of stdin as one message (-f, -s), or each line as a
// message (-l, --raw), exactly as read: no JSON, no '\r' stripped, empty
// lines are empty messages, NUL bytes travel too.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::pub {

// All of path ("-": stdin). Kind too_large when it holds more than max_bytes.
Result<std::string> read_whole_input(const std::string& path, std::size_t max_bytes);

// Calls each(line, too_long) for every line of path ("-": stdin) without its
// '\n'; a last line without '\n' counts when it is not empty. A line over
// max_bytes is handed over empty with too_long set. each returns false to
// stop reading.
Status for_each_raw_line(const std::string& path, std::size_t max_bytes,
                         const std::function<bool(std::string_view line, bool too_long)>& each);

}  // namespace iot::pub
