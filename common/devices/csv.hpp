// CSV text (RFC 4180) into records: fields in double quotes may hold commas,
// line breaks and doubled quotes (""); records end with LF or CRLF; a UTF-8
// byte order mark at the start is skipped. Used for iot-ingest --devices.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace iot::devices {

using CsvRecord = std::vector<std::string>;

// Every record of the text, blank lines skipped. Errors: bad_input
// "bad_csv" naming the line (an unterminated quote, text after a closing
// quote, a NUL byte).
Result<std::vector<CsvRecord>> parse_csv(std::string_view text);

}  // namespace iot::devices
