// The precedence flag > IOT_* environment > --config file > default, and
// the exit codes of run_tool.
#include "cli/run.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "core/exit_codes.hpp"

namespace iot::cli {
namespace {

struct Probe {
  int qos = 1;
  std::string level = "info";
  int seen_qos = -1;
  std::string seen_level;
};

int run_probe(Probe& p, std::vector<std::string> args) {
  std::vector<char*> argv;
  static std::string name = "iot-probe";
  argv.push_back(name.data());
  for (auto& a : args) argv.push_back(a.data());
  return run_tool(
      {"probe", "test"}, int(argv.size()), argv.data(),
      [&](CLI::App& app) {
        app.add_option("-q,--qos", p.qos, "qos");
        app.add_option("--log-level", p.level, "level");
      },
      [&] {
        p.seen_qos = p.qos;
        p.seen_level = p.level;
        return 0;
      });
}

std::string config_file(const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("iot-run-test-" + std::to_string(getpid()) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

TEST(RunTool, DefaultWhenNothingElse) {
  Probe p;
  EXPECT_EQ(run_probe(p, {}), 0);
  EXPECT_EQ(p.seen_qos, 1);
}

TEST(RunTool, ConfigOverridesDefault) {
  Probe p;
  EXPECT_EQ(run_probe(p, {"--config", config_file("qos = 2\nlog-level = \"debug\"\n")}), 0);
  EXPECT_EQ(p.seen_qos, 2);
  EXPECT_EQ(p.seen_level, "debug");
}

TEST(RunTool, EnvironmentOverridesConfig) {
  Probe p;
  setenv("IOT_QOS", "0", 1);
  int rc = run_probe(p, {"--config", config_file("qos = 2\nlog-level = \"debug\"\n")});
  unsetenv("IOT_QOS");
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(p.seen_qos, 0);
  EXPECT_EQ(p.seen_level, "debug");  // the config still fills what the environment does not
}

TEST(RunTool, FlagOverridesEnvironment) {
  Probe p;
  setenv("IOT_QOS", "0", 1);
  int rc = run_probe(p, {"-q", "2"});
  unsetenv("IOT_QOS");
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(p.seen_qos, 2);
}

TEST(RunTool, UsageErrorsExitTwo) {
  Probe p;
  EXPECT_EQ(run_probe(p, {"--no-such-option"}), exit_code::usage);
  EXPECT_EQ(run_probe(p, {"-q", "notanumber"}), exit_code::usage);
}

TEST(RunTool, ExitErrorCarriesItsCode) {
  std::string name = "iot-probe";
  char* argv[] = {name.data()};
  int rc = run_tool({"probe", "t"}, 1, argv, [](CLI::App&) {},
                    [] () -> int { throw ExitError(exit_code::unavailable, "broker down"); });
  EXPECT_EQ(rc, exit_code::unavailable);
}

TEST(RunTool, ErrorKindsMapToDesignExitCodes) {
  EXPECT_EQ(exit_code_for(make_error(ErrorKind::usage, "usage", "")), exit_code::usage);
  EXPECT_EQ(exit_code_for(make_error(ErrorKind::unavailable, "x", "")), exit_code::unavailable);
  EXPECT_EQ(exit_code_for(make_error(ErrorKind::io, "io", "")), exit_code::io_error);
  EXPECT_EQ(exit_code_for(make_error(ErrorKind::bad_input, "bad_json", "")), exit_code::problems);
}

}  // namespace
}  // namespace iot::cli
