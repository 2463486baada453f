#include "cli/parse_hints.hpp"

#include <gtest/gtest.h>

namespace {

using iot::cli::closest_option;
using iot::cli::edit_distance;
using iot::cli::parse_hint;

TEST(ParseHints, EditDistanceCountsSwapsAsOneEdit) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("broker", "broker"), 0u);
  EXPECT_EQ(edit_distance("brokr", "broker"), 1u);
  EXPECT_EQ(edit_distance("borker", "broker"), 1u);  // neighbours swapped
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
}

TEST(ParseHints, ClosestOptionOnlyForLikelyTypos) {
  std::vector<std::string> known{"--broker", "--batch-size", "--key-file", "--log-level", "--flush-interval"};
  EXPECT_EQ(closest_option(known, "--brokr"), "--broker");
  EXPECT_EQ(closest_option(known, "--borker"), "--broker");
  EXPECT_EQ(closest_option(known, "--keyfile"), "--key-file");
  EXPECT_EQ(closest_option(known, "--flush-intervall"), "--flush-interval");
  EXPECT_EQ(closest_option(known, "--flush"), "--flush-interval");  // a prefix of one option
  EXPECT_EQ(closest_option(known, "--colour"), "");                 // nothing like it
  EXPECT_EQ(closest_option(known, "--xy"), "");
}

void add_host_and_broker(CLI::App& app) {
  app.set_help_flag("--help");
  static std::string host, broker;
  app.add_option("-h,--host", host);
  app.add_option("--broker", broker);
}

TEST(ParseHints, MistypedLongOption) {
  CLI::App app;
  add_host_and_broker(app);
  EXPECT_EQ(parse_hint(app, {"--brokr", "mqtt://x"}), "did you mean --broker?");
  EXPECT_EQ(parse_hint(app, {"--brokr=mqtt://x"}), "did you mean --broker?");
  EXPECT_EQ(parse_hint(app, {"--broker", "x", "--", "--brokr"}), "");  // after --, not an option
  EXPECT_EQ(parse_hint(app, {"--entirely-unknown"}), "");
}

TEST(ParseHints, BareDashHMeansHelpWasWanted) {
  CLI::App app;
  add_host_and_broker(app);
  EXPECT_EQ(parse_hint(app, {"-h"}), "-h takes the broker host (as in mosquitto_pub); for help, use --help");
  EXPECT_EQ(parse_hint(app, {"-h", "--broker", "x"}), "-h takes the broker host (as in mosquitto_pub); for help, use --help");
  EXPECT_EQ(parse_hint(app, {"-h", "localhost"}), "");
  CLI::App no_host;
  no_host.set_help_flag("--help");
  EXPECT_EQ(parse_hint(no_host, {"-h"}), "for help, use --help");
}

TEST(ParseHints, SubcommandOptionsAreKnown) {
  CLI::App app;
  auto* send = app.add_subcommand("send");
  static std::string device;
  send->add_option("--device", device);
  EXPECT_EQ(parse_hint(app, {"send", "--devcie", "P-7"}), "did you mean --device?");
}

}  // namespace
