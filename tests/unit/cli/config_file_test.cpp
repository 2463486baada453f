// cli::CheckedConfig on its own: a --config file read into a small app, as
// run_tool wires it (run_test.cpp covers the whole tool's precedence).
#include "cli/config_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

namespace iot::cli {
namespace {

struct Loaded {
  int qos = 1;
  std::string topic;
  std::string error;
};

std::string write_file(const std::string& text, const std::string& ext) {
  static int n = 0;
  // The pid too: ctest runs each test as a process of its own, side by side,
  // and each starts counting at 1.
  std::string path = ::testing::TempDir() + "config_file_test_" + std::to_string(::getpid()) + "_" +
                     std::to_string(++n) + ext;
  std::ofstream(path) << text;
  return path;
}

Loaded load(const std::string& text, const std::string& ext = ".toml") {
  Loaded l;
  CLI::App app("test", "iot-test");
  app.set_config("--config");
  app.add_option("-q,--qos", l.qos);
  app.add_option("--topic", l.topic);
  app.config_formatter(std::make_shared<CheckedConfig>(app, "test"));
  std::string path = write_file(text, ext);
  const char* argv[] = {"iot-test", "--config", path.c_str()};
  try {
    app.parse(3, const_cast<char**>(argv));
  } catch (const CLI::ParseError& e) {
    l.error = e.what();
    std::string::size_type at;
    while ((at = l.error.find(path)) != std::string::npos) l.error.replace(at, path.size(), "FILE");
  }
  return l;
}

TEST(CheckedConfig, TomlValuesReachTheirOptions) {
  Loaded l = load("qos = 2\ntopic = \"plant/+/telemetry\"  # a comment after the value\n");
  EXPECT_EQ(l.error, "");
  EXPECT_EQ(l.qos, 2);
  EXPECT_EQ(l.topic, "plant/+/telemetry");
}

TEST(CheckedConfig, AHashInsideAStringIsNoComment) {
  Loaded l = load("topic = \"plant/P-0001/#\"\n");
  EXPECT_EQ(l.error, "");
  EXPECT_EQ(l.topic, "plant/P-0001/#");
}

TEST(CheckedConfig, SyntaxErrorNamesFileLineAndColumn) {
  Loaded l = load("qos = 2\ntopic = \"unterminated\n");
  EXPECT_NE(l.error.find("FILE:2:"), std::string::npos) << l.error;
  EXPECT_NE(l.error.find("TOML syntax error"), std::string::npos) << l.error;
}

TEST(CheckedConfig, UnknownKeyNamesFileLineAndKey) {
  Loaded l = load("qos = 2\n\n# a typo below\ntopik = \"x\"\n");
  EXPECT_NE(l.error.find("FILE:4: unknown key \"topik\""), std::string::npos) << l.error;
}

TEST(CheckedConfig, IniOnlyByNameAndCheckedAlike) {
  Loaded ok = load("qos=2\ntopic=a/b\n", ".ini");
  EXPECT_EQ(ok.error, "");
  EXPECT_EQ(ok.qos, 2);
  EXPECT_EQ(ok.topic, "a/b");
  Loaded bad = load("qos=2\ntopik=x\n", ".ini");
  EXPECT_NE(bad.error.find(":2: unknown key \"topik\""), std::string::npos) << bad.error;
  // The same text under another name is TOML, where a bare a/b is a syntax error.
  Loaded toml = load("qos=2\ntopic=a/b\n", ".conf");
  EXPECT_NE(toml.error.find("TOML syntax error"), std::string::npos) << toml.error;
}

}  // namespace
}  // namespace iot::cli
