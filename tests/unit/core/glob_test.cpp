#include "core/glob.hpp"

#include <gtest/gtest.h>

namespace iot {
namespace {

struct GlobCase {
  const char* pattern;
  const char* text;
  bool matches;
};

TEST(GlobMatches, Table) {
  const GlobCase cases[] = {
      {"*", "", true},
      {"*", "temp_inlet_c", true},
      {"temp_*", "temp_inlet_c", true},
      {"temp_*", "pressure_bar", false},
      {"*_c", "temp_inlet_c", true},
      {"*_c", "temp_inlet_cx", false},
      {"P-00?3", "P-0013", true},
      {"P-00?3", "P-003", false},
      {"exact", "exact", true},
      {"exact", "exactly", false},
      {"", "", true},
      {"", "a", false},
      {"a*b*c", "aXXbYYc", true},
      {"a*b*c", "aXXbYY", false},
      {"**", "x", true},
      {"*a", "aaaa", true},
  };
  for (const auto& c : cases) EXPECT_EQ(glob_matches(c.pattern, c.text), c.matches) << c.pattern << " ~ " << c.text;
}

// The cases the deadband's metric globs were first written against
// (iot-pub(1), DEADBAND).
TEST(GlobMatches, DeadbandMetricGlobs) {
  const GlobCase cases[] = {{"*", "", true},           {"*", "abc", true},       {"a*", "abc", true},
                            {"*c", "abc", true},       {"a*c", "ac", true},      {"a*c", "abcbc", true},
                            {"a*c", "abcb", false},    {"?", "", false},         {"a?c", "abc", true},
                            {"temp_*", "temp", false}, {"abc", "abcd", false},   {"*a*b*", "xxaxxbxx", true},
                            {"**", "x", true},         {"a*b*c", "aXbYbZ", false}};
  for (const auto& c : cases) EXPECT_EQ(glob_matches(c.pattern, c.text), c.matches) << c.pattern << " ~ " << c.text;
}

TEST(GlobMatches, ManyStarsStayFast) {
  // A pattern that makes naive recursion exponential.
  std::string text(2000, 'a');
  EXPECT_FALSE(glob_matches("*a*a*a*a*a*a*a*a*a*a*b", text));
}

}  // namespace
}  // namespace iot
