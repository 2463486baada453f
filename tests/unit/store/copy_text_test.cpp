// PostgreSQL COPY text (common/store/copy_text.cpp): field escapes and a
// whole readings row in the order of kReadingColumns.
#include "store/copy_text.hpp"

#include <gtest/gtest.h>

namespace iot::store {
namespace {

TEST(AppendCopyField, EscapesBackslashTabNewlineReturn) {
  struct Row {
    std::string in, out;
  } rows[] = {
      {"", ""},
      {"P-007", "P-007"},
      {"a\tb", "a\\tb"},
      {"a\nb", "a\\nb"},
      {"a\rb", "a\\rb"},
      {"C:\\x", "C:\\\\x"},
      {"\\N", "\\\\N"},  // the text \N is not NULL
      {"temp °C; 'quoted' \"too\"", "temp °C; 'quoted' \"too\""},
  };
  for (const auto& row : rows) {
    std::string out = ">";
    append_copy_field(out, row.in);
    EXPECT_EQ(out, ">" + row.out) << row.in;
  }
}

TEST(AppendCopyReading, EveryColumnInOrder) {
  ReadingRow full;
  full.time_ns = 1710844800123456789;
  full.device_id = "P\t7";
  full.metric = "temp";
  full.value = 72.4;
  full.quality = 68;
  full.tenant = "t1";
  full.protocol = "modbus";
  full.unit = "C";
  full.msg_id = "01HX";
  full.seq = 48291;
  full.tags_json = R"({"site":"a\b"})";
  full.extra_json = R"({"x":1})";
  std::string out;
  append_copy_reading(out, full);
  EXPECT_EQ(out,
            "2024-03-19T10:40:00.123456Z\tP\\t7\ttemp\t72.4\t68\tt1\tmodbus\tC\t01HX\t48291\t"
            "{\"site\":\"a\\\\b\"}\t{\"x\":1}");

  ReadingRow bare;
  bare.device_id = "d";
  bare.metric = "m";
  out.clear();
  append_copy_reading(out, bare);
  EXPECT_EQ(out, "1970-01-01T00:00:00.000000Z\td\tm\t\\N\t192\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N");
}

// --tag-sets: the row's tags become NULL and its tag set id the last field.
TEST(AppendCopyReading, WithTagSetsTagsAreNullAndTheIdComesLast) {
  ReadingRow r;
  r.device_id = "d";
  r.metric = "m";
  r.tags_json = R"({"site":"a"})";
  std::string with_id, without_id;
  append_copy_reading(with_id, r, 42);
  append_copy_reading(without_id, r, std::nullopt);
  const std::string fields = "1970-01-01T00:00:00.000000Z\td\tm\t\\N\t192\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N";
  EXPECT_EQ(with_id, fields + "\t42");
  EXPECT_EQ(without_id, fields + "\t\\N");
}

TEST(ReadingColumns, TwelveInTheRowsOrder) {
  std::string columns = kReadingColumns;
  EXPECT_EQ(std::count(columns.begin(), columns.end(), ','), 11);
  EXPECT_EQ(columns.rfind("time, device_id, metric, value, quality", 0), 0u);
}

}  // namespace
}  // namespace iot::store
