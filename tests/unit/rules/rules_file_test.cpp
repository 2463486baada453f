#include "rules/rules_file.hpp"

#include <gtest/gtest.h>

namespace iot::rules {
namespace {

TEST(ParseRules, EveryKey) {
  auto set = parse_rules(R"(
[[rule]]
name = "inlet"
device = "P-*"
metric = "temp_*"
range = [0, 95.5]
stuck = "10m"
epsilon = 0.01
rate = 2
silence = "2m"
bad_quality = 60
clear_after = "30s"

[[rule]]
silence = "500ms"
)",
                         "r.toml");
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->rules.size(), 2u);
  const Rule& r = set->rules[0];
  EXPECT_EQ(r.name, "inlet");
  EXPECT_EQ(r.device, "P-*");
  EXPECT_EQ(r.metric, "temp_*");
  EXPECT_EQ(*r.min, 0);
  EXPECT_EQ(*r.max, 95.5);
  EXPECT_EQ(*r.stuck_ns, 600'000'000'000);
  EXPECT_EQ(r.epsilon, 0.01);
  EXPECT_EQ(*r.rate, 2);
  EXPECT_EQ(*r.silence_ns, 120'000'000'000);
  EXPECT_EQ(*r.bad_quality_ns, 60'000'000'000);
  EXPECT_EQ(r.clear_after_ns, 30'000'000'000);
  EXPECT_EQ(r.line, 2u);
  EXPECT_EQ(r.checks().size(), 5u);
  const Rule& s = set->rules[1];
  EXPECT_EQ(s.name, "rule2");
  EXPECT_EQ(s.device, "*");
  EXPECT_EQ(s.metric, "*");
  EXPECT_EQ(*s.silence_ns, 500'000'000);
  ASSERT_EQ(s.checks().size(), 1u);
  EXPECT_EQ(s.checks()[0], CheckKind::silence);
}

struct BadRulesFile {
  const char* text;
  const char* message;  // a part of the error
};

TEST(ParseRules, ErrorsNameFileLineRuleAndKey) {
  const BadRulesFile cases[] = {
      {"[[rule]]\nrange = [5, 1]\n", "r.toml:2: rule 1 (\"rule1\"): range: min must be below max"},
      {"[[rule]]\nrange = [1]\n", "r.toml:2: rule 1 (\"rule1\"): range: expected [min, max]"},
      {"[[rule]]\nrange = [\"a\", 2]\n", "range: expected [min, max], two numbers"},
      {"[[rule]]\nname = \"x\"\nstuck = \"ten minutes\"\n", "r.toml:3: rule 1 (\"x\"): stuck:"},
      {"[[rule]]\nstuck = \"0s\"\n", "stuck: must be more than zero"},
      {"[[rule]]\nrate = -1\n", "rate: must be more than zero"},
      {"[[rule]]\nrate = \"fast\"\n", "rate: expected a number"},
      {"[[rule]]\nsilence = true\n", "silence: expected a duration"},
      {"[[rule]]\nepsilon = 0.1\nrange = [0, 1]\n", "epsilon: belongs to stuck"},
      {"[[rule]]\nstuck = \"1m\"\nepsilon = -1\n", "epsilon: must not be negative"},
      {"[[rule]]\nname = \"a\"\nmetric = \"\"\nrate = 1\n", "metric: is empty"},
      {"[[rule]]\nname = \"a\"\n", "r.toml:1: rule 1 (\"a\"): no check"},
      {"[[rule]]\nrnage = [0, 1]\n", "unknown key \"rnage\""},
      {"[[rule]]\nname = \"a\"\nrate = 1\n[[rule]]\nname = \"a\"\nrate = 2\n", "rule 2 (\"a\"): name: \"a\" names an earlier rule"},
      {"[rules]\nx = 1\n", "r.toml:1: unknown top-level key \"rules\""},
      {"", "r.toml: no [[rule]] tables"},
      {"[[rule]\n", "r.toml:1:"},
      {"rule = [1, 2]\n", "rule 1: not a table"},
      {"[[rule]]\nclear_after = \"-5s\"\nrate = 1\n", "clear_after:"},
  };
  for (const auto& c : cases) {
    auto set = parse_rules(c.text, "r.toml");
    ASSERT_FALSE(set) << c.text;
    EXPECT_EQ(set.error().kind, ErrorKind::usage);
    EXPECT_NE(set.error().message.find(c.message), std::string::npos)
        << "wanted: " << c.message << "\ngot:    " << set.error().message;
  }
}

TEST(LoadRules, MissingFileIsAUsageError) {
  auto set = load_rules("/nonexistent/rules.toml");
  ASSERT_FALSE(set);
  EXPECT_NE(set.error().message.find("/nonexistent/rules.toml"), std::string::npos);
}

TEST(CheckName, EveryKind) {
  EXPECT_EQ(check_name(CheckKind::range), "range");
  EXPECT_EQ(check_name(CheckKind::stuck), "stuck");
  EXPECT_EQ(check_name(CheckKind::rate), "rate");
  EXPECT_EQ(check_name(CheckKind::silence), "silence");
  EXPECT_EQ(check_name(CheckKind::bad_quality), "bad_quality");
}

}  // namespace
}  // namespace iot::rules

namespace iot::rules {
namespace {

TEST(LoadRules, TheExampleLoads) {
  auto set = load_rules(std::filesystem::path(IOT_SOURCE_DIR) / "examples" / "rules" / "seed000-pumps.toml");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->rules.size(), 5u);
}

}  // namespace
}  // namespace iot::rules
