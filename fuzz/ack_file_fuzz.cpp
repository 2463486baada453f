// The ack file (iot-stream(5), ACKNOWLEDGEMENT) and the journal position at
// the end of a journal line (iot-sub --journal, read by iot-verify too) from arbitrary text. Checks
// that an accepted ack file reads back the same position once rewritten in
// the writer's form, and that a position found in a line is the number after
// the line's last "jpos".
#include <cstdint>
#include <cstdlib>
#include <string>

#include "stream/ack_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto p = iot::stream::parse_ack_text(in)) {
    std::string again = "{\"jpos\":" + std::to_string(*p) + "}\n";
    auto back = iot::stream::parse_ack_text(again);
    if (!back || *back != *p) std::abort();
  }
  if (std::uint64_t p = iot::stream::journal_position(in); p != 0) {
    // Found only as the last member: "jpos", a colon, the digits and '}' end the line.
    std::size_t key = in.rfind("\"jpos\"");
    if (key == std::string_view::npos || in.find_last_not_of(" \t\r") != in.rfind('}')) std::abort();
    std::string rest(in.substr(key + 6));
    std::size_t at = rest.find_first_of("0123456789");
    if (at == std::string::npos || std::strtoull(rest.c_str() + at, nullptr, 10) != p) std::abort();
  }
  return 0;
}
