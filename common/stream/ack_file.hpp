// The acknowledgement file of the pipe (iot-ingest(1) and iot-sub(1),
// --ack-file; iot-stream(5), ACKNOWLEDGEMENT): one line {"jpos":N}, the
// journal position up to which the last stage has stored or rejected every
// line. The writer replaces it atomically (a temporary file, fsync, rename,
// fsync of the folder), so a reader sees the old or the new position, never
// a mixture, even after a crash or a power cut.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::stream {

// The position FILE holds; 0 when FILE does not exist or is empty (nothing
// acknowledged yet). Anything else is an error of kind bad_input that says
// what was found and what was expected.
Result<std::uint64_t> read_ack_file(const std::string& path);

// Parses the file's text (read_ack_file's checks, without the file).
Result<std::uint64_t> parse_ack_text(std::string_view text);

// Replaces FILE with {"jpos":position}; durable when it returns.
Status write_ack_file(const std::string& path, std::uint64_t position);

// The journal position a line carries as iot-sub writes it: its last member
// ,"jpos":N (render_envelope puts it last; spaces around the colon and the
// brace are allowed), found from the line's end without parsing the line;
// 0 when there is none (or N is 0).
std::uint64_t journal_position(std::string_view line);

}  // namespace iot::stream
