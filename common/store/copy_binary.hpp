// PostgreSQL COPY binary format for readings rows. The server stores these
// without parsing text (no timestamp, float or integer input functions),
// which is most of what text COPY costs it beyond the inserts themselves.
// Only for tables whose columns have exactly the types iot-ingest creates
// (kReadingColumnTypes): binary values carry no type conversion.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/row.hpp"

namespace iot::store {

// The readings columns, in the order of kReadingColumns (copy_text.hpp),
// then tag_set, which a table has with --tag-sets only (iot-ingest(1), Tag sets).
inline constexpr std::size_t kReadingColumnCount = 12;
inline constexpr std::size_t kTagsColumn = 10;
inline constexpr std::size_t kTagSetColumn = 12;
inline constexpr std::array<const char*, kReadingColumnCount + 1> kReadingColumnNames = {
    "time", "device_id", "metric", "value", "quality", "tenant", "protocol", "unit", "msg_id", "seq", "tags", "extra",
    "tag_set"};
// As PostgreSQL's format_type() spells them.
inline constexpr std::array<const char*, kReadingColumnCount + 1> kReadingColumnTypes = {
    "timestamp with time zone", "text", "text", "double precision", "smallint", "text", "text", "text", "text",
    "bigint", "jsonb", "jsonb", "bigint"};

// Bit i set: column i of kReadingColumnNames is sent.
using ReadingColumns = std::uint16_t;
inline constexpr ReadingColumns kAllReadingColumns = (1u << kReadingColumnCount) - 1;
// The columns a row may leave NULL (tenant, protocol, unit, msg_id, seq, tags, extra).
inline constexpr ReadingColumns kNullableReadingColumns = 0b1111'1110'0000;

// The columns this batch needs: of `omittable`, those NULL in every row are
// left out (the table fills them with NULL, having no default for them).
ReadingColumns columns_needed(const std::vector<ReadingRow>& rows, ReadingColumns omittable);
// With --tag-sets: the tags column is not sent, and tag_set is when some row has one.
ReadingColumns columns_with_tag_sets(ReadingColumns columns, const std::vector<std::optional<std::int64_t>>& tag_sets);
// "time, device_id, ..." for those columns.
std::string reading_column_list(ReadingColumns columns);

// False when the row holds what binary cannot carry as text COPY would
// (a quality outside smallint: text COPY makes the server refuse the row,
// and the caller keeps that by sending such a batch as text).
bool binary_encodable(const ReadingRow& row);

void append_copy_binary_header(std::string& out);
void append_copy_binary_trailer(std::string& out);
// One tuple with the given columns of the row (binary_encodable rows only);
// `tag_set` is sent when the columns hold kTagSetColumn.
void append_copy_binary_reading(std::string& out, const ReadingRow& row, ReadingColumns columns,
                                std::optional<std::int64_t> tag_set = std::nullopt);

}  // namespace iot::store
