#include "core/port_number.hpp"

#include <gtest/gtest.h>

namespace iot {
namespace {

TEST(ParsePort, DigitsFromOneTo65535AndZeroOnlyWhenAllowed) {
  struct Case {
    const char* text;
    bool allow_zero;
    std::optional<int> want;
  };
  const Case cases[] = {
      {"1883", false, 1883}, {"1", false, 1},        {"65535", false, 65535}, {"0", false, std::nullopt},
      {"0", true, 0},        {"65536", true, std::nullopt}, {"", false, std::nullopt}, {"-1", true, std::nullopt},
      {"80x", false, std::nullopt}, {" 80", false, std::nullopt}, {"+80", false, std::nullopt},
      {"99999999999", false, std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_port(c.text, c.allow_zero), c.want) << '"' << c.text << '"';
}

}  // namespace
}  // namespace iot
