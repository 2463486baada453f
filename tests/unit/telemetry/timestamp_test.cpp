// kpi timestamps: ISO 8601 forms and Unix magnitudes (common/telemetry/timestamp.cpp).
#include <gtest/gtest.h>

#include "json_doc.hpp"
#include "telemetry/normalize.hpp"

namespace iot::telemetry {
namespace {

Result<std::int64_t> ts(const std::string& json) {
  auto doc = test::parse_json(json);
  return parse_timestamp_ns(doc.root);
}

constexpr std::int64_t base = 1710844800LL * 1'000'000'000;  // 2024-03-19T10:40:00Z

TEST(Timestamp, UnixMagnitudes) {
  EXPECT_EQ(*ts("1710844800"), base);
  EXPECT_EQ(*ts("1710844800123"), base + 123'000'000);
  EXPECT_EQ(*ts("1710844800123456"), base + 123'456'000);
  EXPECT_EQ(*ts("1710844800123456789"), base + 123'456'789);
  EXPECT_EQ(*ts("1710844800.5"), base + 500'000'000);
  EXPECT_EQ(*ts("0"), 0);
  EXPECT_EQ(*ts("100000000000"), 100'000'000'000'000'000LL);  // 1e11 and up: ms
  EXPECT_FALSE(ts("99999999999").ok());                          // seconds, past 2262
  EXPECT_EQ(*ts("1710844800.25"), base + 250'000'000);
}

TEST(Timestamp, NumbersAsText) {
  EXPECT_EQ(*ts(R"("1710844800")"), base);
  EXPECT_EQ(*ts(R"("1710844800123")"), base + 123'000'000);
  EXPECT_EQ(*ts(R"("1710844800.25")"), base + 250'000'000);
}

TEST(Timestamp, IsoForms) {
  EXPECT_EQ(*ts(R"("2024-03-19T10:40:00Z")"), base);
  EXPECT_EQ(*ts(R"("2024-03-19t10:40:00z")"), base);
  EXPECT_EQ(*ts(R"("2024-03-19 10:40:00Z")"), base);
  EXPECT_EQ(*ts(R"("2024-03-19T10:40Z")"), base);
  EXPECT_EQ(*ts(R"("2024-03-19T10:40:00.123Z")"), base + 123'000'000);
  EXPECT_EQ(*ts(R"("2024-03-19T10:40:00,5Z")"), base + 500'000'000);
  EXPECT_EQ(*ts(R"("2024-03-19T10:40:00.123456789Z")"), base + 123'456'789);
  EXPECT_EQ(*ts(R"("2024-03-19T10:40:00.1234567891234Z")"), base + 123'456'789);
  EXPECT_EQ(*ts(R"("2024-03-19T12:40:00+02:00")"), base);
  EXPECT_EQ(*ts(R"("2024-03-19T12:40:00+0200")"), base);
  EXPECT_EQ(*ts(R"("2024-03-19T12:40:00+02")"), base);
  EXPECT_EQ(*ts(R"("2024-03-19T05:10:00.250-05:30")"), base + 250'000'000);
  EXPECT_EQ(*ts(R"("2024-03-19T10:40:00+00:00")"), base);
  EXPECT_EQ(*ts(R"("1970-01-01T00:00:00Z")"), 0);
  EXPECT_EQ(*ts(R"("1969-12-31T23:59:59Z")"), -1'000'000'000);
  EXPECT_EQ(*ts(R"("2024-02-29T00:00:00Z")"), 1709164800LL * 1'000'000'000);
}

TEST(Timestamp, Refused) {
  for (const char* bad :
       {R"("2024-03-19T10:40:00")", R"("2024-03-19")", R"("2023-02-29T00:00:00Z")", R"("2024-13-01T00:00:00Z")",
        R"("2024-03-19T24:00:00Z")", R"("2024-03-19T10:60:00Z")", R"("2024-03-19T10:40:00+25:00")",
        R"("2024-03-19T10:40:00.Z")", R"("2024-03-19T10:40:00Zjunk")", R"("yesterday")", R"("")", "true", "null",
        "[1]", "{}", "18446744073709551615", "1e300", R"("99999999999999999999999")", R"("3000-01-01T00:00:00Z")",
        "9300000000"}) {
    auto r = ts(bad);
    ASSERT_FALSE(r.ok()) << bad << " gave " << *r;
    EXPECT_EQ(r.error().reason, "schema") << bad;
  }
}

}  // namespace
}  // namespace iot::telemetry
