#include "store/copy_binary.hpp"

#include <bit>
#include <limits>

namespace iot::store {
namespace {

// Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's timestamp epoch.
constexpr std::int64_t kPostgresEpochMicros = 946'684'800'000'000;

void put16(std::string& out, std::uint16_t v) {
  const char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 2);
}

void put32(std::string& out, std::uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
  out.append(b, 4);
}

void put64(std::string& out, std::uint64_t v) {
  put32(out, static_cast<std::uint32_t>(v >> 32));
  put32(out, static_cast<std::uint32_t>(v));
}

void put_null(std::string& out) { put32(out, 0xFFFF'FFFFu); }

void put_text(std::string& out, const std::string& s) {
  put32(out, static_cast<std::uint32_t>(s.size()));
  out += s;
}

void put_nullable_text(std::string& out, const std::string& s) {
  if (s.empty())
    put_null(out);
  else
    put_text(out, s);
}

// jsonb's binary form: a version byte (1), then the JSON text.
void put_nullable_jsonb(std::string& out, const std::string& s) {
  if (s.empty()) return put_null(out);
  put32(out, static_cast<std::uint32_t>(s.size() + 1));
  out += '\1';
  out += s;
}

void put_nullable_int8(std::string& out, std::optional<std::int64_t> v) {
  if (!v) return put_null(out);
  put32(out, 8);
  put64(out, static_cast<std::uint64_t>(*v));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool empty_in(const ReadingRow& r, std::size_t column) {
  switch (column) {
    case 5: return r.tenant.empty();
    case 6: return r.protocol.empty();
    case 7: return r.unit.empty();
    case 8: return r.msg_id.empty();
    case 9: return !r.seq;
    case 10: return r.tags_json.empty();
    case 11: return r.extra_json.empty();
    default: return false;
  }
}

}  // namespace

ReadingColumns columns_needed(const std::vector<ReadingRow>& rows, ReadingColumns omittable) {
  ReadingColumns needed = kAllReadingColumns & ~(omittable & kNullableReadingColumns);
  for (const auto& r : rows) {
    if (needed == kAllReadingColumns) break;
    for (std::size_t c = 5; c < kReadingColumnCount; ++c)
      if (!(needed & (1u << c)) && !empty_in(r, c)) needed |= static_cast<ReadingColumns>(1u << c);
  }
  return needed;
}

ReadingColumns columns_with_tag_sets(ReadingColumns columns, const std::vector<std::optional<std::int64_t>>& tag_sets) {
  columns &= static_cast<ReadingColumns>(~(1u << kTagsColumn));
  for (const auto& id : tag_sets)
    if (id) return columns | static_cast<ReadingColumns>(1u << kTagSetColumn);
  return columns;
}

std::string reading_column_list(ReadingColumns columns) {
  std::string out;
  for (std::size_t c = 0; c < kReadingColumnNames.size(); ++c) {
    if (!(columns & (1u << c))) continue;
    if (!out.empty()) out += ", ";
    out += kReadingColumnNames[c];
  }
  return out;
}

bool binary_encodable(const ReadingRow& r) {
  return r.quality >= std::numeric_limits<std::int16_t>::min() && r.quality <= std::numeric_limits<std::int16_t>::max();
}

void append_copy_binary_header(std::string& out) {
  static constexpr char signature[] = "PGCOPY\n\377\r\n";  // and its terminating NUL
  out.append(signature, sizeof signature);
  put32(out, 0);  // flags: no OIDs
  put32(out, 0);  // header extension length
}

void append_copy_binary_trailer(std::string& out) { put16(out, 0xFFFF); }

void append_copy_binary_reading(std::string& out, const ReadingRow& r, ReadingColumns columns,
                                std::optional<std::int64_t> tag_set) {
  put16(out, static_cast<std::uint16_t>(std::popcount(columns)));
  // The same instant as the text form: nanoseconds floored to microseconds.
  put32(out, 8);
  put64(out, static_cast<std::uint64_t>(floor_div(r.time_ns, 1000) - kPostgresEpochMicros));
  put_text(out, r.device_id);
  put_text(out, r.metric);
  if (r.value) {
    put32(out, 8);
    put64(out, std::bit_cast<std::uint64_t>(*r.value));
  } else {
    put_null(out);
  }
  put32(out, 2);
  put16(out, static_cast<std::uint16_t>(static_cast<std::int16_t>(r.quality)));
  if (columns & (1u << 5)) put_nullable_text(out, r.tenant);
  if (columns & (1u << 6)) put_nullable_text(out, r.protocol);
  if (columns & (1u << 7)) put_nullable_text(out, r.unit);
  if (columns & (1u << 8)) put_nullable_text(out, r.msg_id);
  if (columns & (1u << 9)) put_nullable_int8(out, r.seq);
  if (columns & (1u << kTagsColumn)) put_nullable_jsonb(out, r.tags_json);
  if (columns & (1u << 11)) put_nullable_jsonb(out, r.extra_json);
  if (columns & (1u << kTagSetColumn)) put_nullable_int8(out, tag_set);
}

}  // namespace iot::store
