// The precedence flag > IOT_* environment > --config file > default, the
// environment names (a tool's own prefix, shared names for broker, TLS and
// logging), --config files checked like the registry, and the exit codes of
// run_tool.
#include "cli/run.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
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

std::string config_file(const std::string& text, const std::string& ext = ".toml") {
  auto path = std::filesystem::temp_directory_path() / ("iot-run-test-" + std::to_string(getpid()) + ext);
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
  setenv("IOT_PROBE_QOS", "0", 1);
  int rc = run_probe(p, {"--config", config_file("qos = 2\nlog-level = \"debug\"\n")});
  unsetenv("IOT_PROBE_QOS");
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(p.seen_qos, 0);
  EXPECT_EQ(p.seen_level, "debug");  // the config still fills what the environment does not
}

TEST(RunTool, FlagOverridesEnvironment) {
  Probe p;
  setenv("IOT_PROBE_QOS", "0", 1);
  int rc = run_probe(p, {"-q", "2"});
  unsetenv("IOT_PROBE_QOS");
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(p.seen_qos, 2);
}

TEST(EnvName, ToolPrefixExceptSharedOptions) {
  EXPECT_EQ(env_name("pub", "topic"), "IOT_PUB_TOPIC");
  EXPECT_EQ(env_name("replay", "topic"), "IOT_REPLAY_TOPIC");
  EXPECT_EQ(env_name("waveform", "max-pending-bytes"), "IOT_WAVEFORM_MAX_PENDING_BYTES");
  EXPECT_EQ(env_name("pub", "key-file"), "IOT_PUB_KEY_FILE");  // signing is one tool's business
  EXPECT_EQ(env_name("pub", "id"), "IOT_PUB_ID");              // two tools on one client id would evict each other
  for (const char* shared : {"broker", "host", "port", "user", "password-file", "cafile", "cert", "key", "insecure",
                             "log-format", "log-level"})
    EXPECT_EQ(env_name("sub", shared).find("IOT_SUB_"), std::string::npos) << shared;
  EXPECT_EQ(env_name("sub", "log-level"), "IOT_LOG_LEVEL");
  EXPECT_EQ(env_name("verify", "password-file"), "IOT_PASSWORD_FILE");
}

TEST(RunTool, AnotherToolsVariableIsIgnored) {
  Probe p;
  setenv("IOT_QOS", "0", 1);      // the old, unprefixed name
  setenv("IOT_PUB_QOS", "0", 1);  // another tool's
  int rc = run_probe(p, {});
  unsetenv("IOT_QOS");
  unsetenv("IOT_PUB_QOS");
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(p.seen_qos, 1);
}

TEST(RunTool, SharedVariableIsRead) {
  Probe p;
  setenv("IOT_LOG_LEVEL", "warn", 1);
  int rc = run_probe(p, {});
  unsetenv("IOT_LOG_LEVEL");
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(p.seen_level, "warn");
}

// Runs the probe and returns what it wrote to stderr.
std::string probe_stderr(Probe& p, std::vector<std::string> args, int& rc) {
  testing::internal::CaptureStderr();
  rc = run_probe(p, std::move(args));
  return testing::internal::GetCapturedStderr();
}

TEST(RunTool, ConfigSyntaxErrorNamesFileLineAndColumn) {
  Probe p;
  std::string path = config_file("qos = 2\nlog-level = \"debug\n");
  int rc = 0;
  std::string err = probe_stderr(p, {"--config", path}, rc);
  EXPECT_EQ(rc, exit_code::usage);
  EXPECT_NE(err.find(path + ":2:"), std::string::npos) << err;
  EXPECT_NE(err.find("TOML syntax error"), std::string::npos) << err;
  EXPECT_EQ(p.seen_qos, -1);  // the tool did not run
}

TEST(RunTool, ConfigUnknownKeyNamesFileLineAndKey) {
  Probe p;
  std::string path = config_file("qos = 2\n\n# a typo\nqoss = 1\n");
  int rc = 0;
  std::string err = probe_stderr(p, {"--config", path}, rc);
  EXPECT_EQ(rc, exit_code::usage);
  EXPECT_NE(err.find(path + ":4: unknown key \"qoss\""), std::string::npos) << err;
  EXPECT_EQ(p.seen_qos, -1);
}

TEST(RunTool, TomlStringsKeepTheirHashSigns) {
  Probe p;
  EXPECT_EQ(run_probe(p, {"--config", config_file("log-level = \"plant/#\"  # a comment\n")}), 0);
  EXPECT_EQ(p.seen_level, "plant/#");
}

TEST(RunTool, IniConfigIsCheckedForKeysToo) {
  Probe p;
  EXPECT_EQ(run_probe(p, {"--config", config_file("qos=2\nlog-level=debug\n", ".ini")}), 0);
  EXPECT_EQ(p.seen_qos, 2);
  EXPECT_EQ(p.seen_level, "debug");
  Probe q;
  int rc = 0;
  std::string err = probe_stderr(q, {"--config", config_file("qos=2\nbrokr=x\n", ".ini")}, rc);
  EXPECT_EQ(rc, exit_code::usage);
  EXPECT_NE(err.find(":2: unknown key \"brokr\""), std::string::npos) << err;
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

// A repeatable option takes one value each time (as mosquitto_sub's -t):
// `--band A FILE` must leave FILE to the positional inputs, and a --config
// array still gives several values.
TEST(RunTool, RepeatableOptionTakesOneValueEachTime) {
  std::vector<std::string> bands, inputs;
  auto parse = [&](std::vector<std::string> args) {
    bands.clear();
    inputs.clear();
    auto app = build_app({"probe", "test"}, [&](CLI::App& a) {
      a.add_option("inputs", inputs, "files");
      a.add_option("--band", bands, "repeatable");
    });
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
    app->parse(args);
  };
  parse({"--band", "a", "file.ndjson"});
  EXPECT_EQ(bands, std::vector<std::string>{"a"});
  EXPECT_EQ(inputs, std::vector<std::string>{"file.ndjson"});
  parse({"--band", "a", "--band", "b", "x", "y"});
  EXPECT_EQ(bands, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(inputs, (std::vector<std::string>{"x", "y"}));
  parse({"--config", config_file("band = [\"c\", \"d\"]\n"), "z"});
  EXPECT_EQ(bands, (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(inputs, std::vector<std::string>{"z"});
}

}  // namespace
}  // namespace iot::cli
