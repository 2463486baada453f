// PostgreSQL COPY text format, written by us rather than field by field
// through libpqxx 6.4's stream_to (which builds two strings per field):
// tab-separated, "\N" for NULL, backslash escapes for \ TAB LF CR.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/row.hpp"

namespace iot::store {

void append_copy_field(std::string& out, std::string_view text);  // escaped, never NULL
// One readings row (the column order of kReadingColumns), without newline.
void append_copy_reading(std::string& out, const ReadingRow& row);
// The same with --tag-sets (iot-ingest(1), Tag sets): tags NULL, and the
// column tag_set last, the id of the row's tags or NULL.
void append_copy_reading(std::string& out, const ReadingRow& row, std::optional<std::int64_t> tag_set);
inline constexpr const char* kReadingColumns =
    "time, device_id, metric, value, quality, tenant, protocol, unit, msg_id, seq, tags, extra";

}  // namespace iot::store
