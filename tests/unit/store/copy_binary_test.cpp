// PostgreSQL COPY binary (common/store/copy_binary.cpp): the file header and
// trailer, a readings tuple byte by byte (big-endian lengths and values,
// -1 for NULL, microseconds since 2000-01-01, jsonb's version byte), the
// columns a batch needs, and the rows binary cannot carry. That PostgreSQL
// reads these bytes is shown by pg_sink_test against a real server.
#include "store/copy_binary.hpp"

#include <gtest/gtest.h>

namespace iot::store {
namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list) out += static_cast<char>(b);
  return out;
}

TEST(CopyBinary, HeaderIsTheSignatureWithoutFlagsOrExtensionAndTheTrailerIsMinusOne) {
  std::string out;
  append_copy_binary_header(out);
  EXPECT_EQ(out, std::string("PGCOPY\n\xff\r\n\0", 11) + bytes({0, 0, 0, 0, 0, 0, 0, 0}));
  out.clear();
  append_copy_binary_trailer(out);
  EXPECT_EQ(out, bytes({0xff, 0xff}));
}

TEST(CopyBinary, EveryColumnBigEndianWithLengths) {
  ReadingRow r;
  r.time_ns = 946684800000001999;  // 2000-01-01T00:00:00.000001999Z: 1 microsecond after PostgreSQL's epoch
  r.device_id = "P";
  r.metric = "t";
  r.value = 1.0;  // 0x3FF0000000000000
  r.quality = -2;
  r.tenant = "a";
  r.msg_id = "m";
  r.seq = 258;
  r.tags_json = "{}";
  std::string out;
  append_copy_binary_reading(out, r, kAllReadingColumns);
  EXPECT_EQ(out, bytes({0, 12,                                          // fields
                        0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1,             // time
                        0, 0, 0, 1, 'P',                                // device_id
                        0, 0, 0, 1, 't',                                // metric
                        0, 0, 0, 8, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0,       // value
                        0, 0, 0, 2, 0xff, 0xfe,                         // quality
                        0, 0, 0, 1, 'a',                                // tenant
                        0xff, 0xff, 0xff, 0xff,                         // protocol NULL
                        0xff, 0xff, 0xff, 0xff,                         // unit NULL
                        0, 0, 0, 1, 'm',                                // msg_id
                        0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 1, 2,             // seq
                        0, 0, 0, 3, 1, '{', '}',                        // tags: jsonb version 1, then the text
                        0xff, 0xff, 0xff, 0xff}));                      // extra NULL
}

TEST(CopyBinary, TimeBeforeTheEpochFloorsToTheMicrosecondAsTheTextFormDoes) {
  ReadingRow r;
  r.time_ns = -1;  // 1969-12-31T23:59:59.999999Z in text
  r.value.reset();
  std::string out;
  append_copy_binary_reading(out, r, 0b11111);
  // -946684800000000 - 1 microseconds from 2000-01-01
  const std::int64_t micros = -946684800000001;
  std::string expected = bytes({0, 5, 0, 0, 0, 8});
  for (int shift = 56; shift >= 0; shift -= 8) expected += static_cast<char>(static_cast<std::uint64_t>(micros) >> shift);
  expected += bytes({0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2, 0, 192});
  EXPECT_EQ(out, expected);
}

TEST(CopyBinary, ABatchLeavesOutOnlyOmittableColumnsNoRowFills) {
  ReadingRow plain;
  plain.msg_id = "m";
  plain.seq = 1;
  ReadingRow tagged = plain;
  tagged.tags_json = R"({"site":"x"})";
  const ReadingColumns seven = 0b0011'0001'1111;
  EXPECT_EQ(columns_needed({plain, plain}, kNullableReadingColumns), seven);
  EXPECT_EQ(reading_column_list(seven), "time, device_id, metric, value, quality, msg_id, seq");
  EXPECT_EQ(columns_needed({plain, tagged}, kNullableReadingColumns), seven | (1u << 10));
  // A column with a default is never left out: NULL must be stored, not the default.
  EXPECT_EQ(columns_needed({plain}, kNullableReadingColumns & ~(1u << 5)), seven | (1u << 5));
  // The five leading columns are always sent.
  EXPECT_EQ(columns_needed({}, kAllReadingColumns), 0b11111);
  EXPECT_EQ(reading_column_list(kAllReadingColumns),
            "time, device_id, metric, value, quality, tenant, protocol, unit, msg_id, seq, tags, extra");
}

// --tag-sets: the tags column is not sent; tag_set goes last, an int8, when
// some row of the batch has one.
TEST(CopyBinary, WithTagSetsTheIdGoesLastInPlaceOfTheTags) {
  ReadingRow r;
  r.tags_json = R"({"site":"x"})";
  const ReadingColumns five = 0b11111;
  const ReadingColumns with_tags = five | (1u << kTagsColumn);
  EXPECT_EQ(columns_with_tag_sets(with_tags, {std::nullopt, 258}), five | (1u << kTagSetColumn));
  EXPECT_EQ(columns_with_tag_sets(with_tags, {std::nullopt}), five);
  EXPECT_EQ(reading_column_list(five | (1u << kTagSetColumn)), "time, device_id, metric, value, quality, tag_set");
  std::string with_id, without_id, plain;
  append_copy_binary_reading(with_id, r, five | (1u << kTagSetColumn), 258);
  append_copy_binary_reading(without_id, r, five | (1u << kTagSetColumn), std::nullopt);
  append_copy_binary_reading(plain, r, five);
  EXPECT_EQ(with_id.substr(0, 2), bytes({0, 6}));
  EXPECT_EQ(with_id.substr(2), plain.substr(2) + bytes({0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 1, 2}));
  EXPECT_EQ(without_id.substr(2), plain.substr(2) + bytes({0xff, 0xff, 0xff, 0xff}));
}

TEST(CopyBinary, AQualityOutsideSmallintIsLeftToTextCopy) {
  ReadingRow r;
  r.quality = 32767;
  EXPECT_TRUE(binary_encodable(r));
  r.quality = -32768;
  EXPECT_TRUE(binary_encodable(r));
  r.quality = 32768;
  EXPECT_FALSE(binary_encodable(r));
  r.quality = -32769;
  EXPECT_FALSE(binary_encodable(r));
}

}  // namespace
}  // namespace iot::store
