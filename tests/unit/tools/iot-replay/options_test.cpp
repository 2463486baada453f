#include "iot-replay/options.hpp"

#include <gtest/gtest.h>

#include "cli/run.hpp"

namespace iot::replay {
namespace {

// Parses argv with the tool's own option definitions, then validates.
Status parse(ReplayOptions& o, std::vector<std::string> args) {
  auto app = cli::build_app({"replay", "test"}, [&](CLI::App& a) { define_options(a, o); });
  std::vector<const char*> argv = {"iot-replay"};
  for (auto& a : args) argv.push_back(a.c_str());
  app->parse(int(argv.size()), const_cast<char**>(argv.data()));
  return validate_options(o);
}

TEST(ReplayOptions, SyntheticWithFaultsAndTruth) {
  ReplayOptions o;
  ASSERT_TRUE(parse(o, {"--synthetic", "devices=3,duration=5", "--inject", "dup=0.1", "--truth", "t.json", "--fast"}).ok());
  ASSERT_TRUE(o.fleet.has_value());
  EXPECT_EQ(o.fleet->devices, 3u);
  ASSERT_TRUE(o.inject.has_value());
  EXPECT_DOUBLE_EQ(o.inject->dup, 0.1);
  EXPECT_TRUE(pace_options(o).fast);
}

TEST(ReplayOptions, TimesAndFilters) {
  ReplayOptions o;
  ASSERT_TRUE(parse(o, {"a.ndjson", "--since", "2026-03-19T10:40:00Z", "--until", "1773916860", "--device", "P-1",
                        "--device", "P-2", "--speed", "10"})
                  .ok());
  EXPECT_EQ(o.since.value().unix_ns, 1773916800LL * 1000000000);
  EXPECT_EQ(o.until.value().unix_ns, 1773916860LL * 1000000000);
  EXPECT_EQ(o.devices.size(), 2u);
  EXPECT_DOUBLE_EQ(pace_options(o).speed, 10);
}

TEST(ReplayOptions, RefusesBadCombinations) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"a.ndjson", "--synthetic", "devices=1"},
           {"--from-db", "sqlite:x.db", "--synthetic", "devices=1"},
           {"--inject", "dup=0.1"},
           {"--synthetic", "shape=signed"},
           {"--retime-less", "x"},
           {"--new-ids"},
           {"--metric", "x"},
           {"--since", "not a time"},
           {"--synthetic", "devices=2", "--topic-template", "a/+/b"},
       }) {
    ReplayOptions o;
    bool failed = false;
    try {
      failed = !parse(o, args).ok();
    } catch (const CLI::ParseError&) {
      failed = true;
    }
    EXPECT_TRUE(failed) << args[0];
  }
}

}  // namespace
}  // namespace iot::replay
