// The store's JSON writing (common/store/json_out.cpp), table-driven.
#include "store/json_out.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace iot::store {
namespace {

TEST(AppendJsonQuoted, EscapesWhatJsonRequires) {
  struct Row {
    std::string in, out;
  } rows[] = {
      {"", R"("")"},
      {"P-007", R"("P-007")"},
      {"say \"hi\"", R"("say \"hi\"")"},
      {"C:\\dir", R"("C:\\dir")"},
      {"a\nb\rc\td", R"("a\nb\rc\td")"},
      {std::string("nul\0x", 5), R"("nul\u0000x")"},
      {"\x01\x1f", R"("\u0001\u001f")"},
      {"\x7f", "\"\x7f\""},               // DEL is allowed as it is
      {"temp °C", "\"temp °C\""},          // UTF-8 passes through
      {"/slash", R"("/slash")"},
  };
  for (const auto& row : rows) {
    std::string out = "x=";
    append_json_quoted(out, row.in);
    EXPECT_EQ(out, "x=" + row.out) << row.in;
  }
}

TEST(AppendJsonNumber, ShortestRoundTripOrNull) {
  struct Row {
    std::optional<double> in;
    const char* out;
  } rows[] = {
      {std::nullopt, "null"},
      {std::numeric_limits<double>::quiet_NaN(), "null"},
      {std::numeric_limits<double>::infinity(), "null"},
      {-std::numeric_limits<double>::infinity(), "null"},
      {0.0, "0"},
      {72.4, "72.4"},
      {-3.5, "-3.5"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1e21, "1e+21"},
      {1500.0, "1500"},
  };
  for (const auto& row : rows) {
    std::string out;
    append_json_number(out, row.in);
    EXPECT_EQ(out, row.out);
  }
}

}  // namespace
}  // namespace iot::store
