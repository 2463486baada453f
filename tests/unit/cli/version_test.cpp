// --version text (common/cli/version.cpp): "PROGRAM VERSION", then the
// features line that tests/docs/man_pages.sh and users read.
#include "cli/version.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace iot::cli {
namespace {

TEST(VersionText, ProgramVersionThenFeatures) {
  std::string text = version_text("iot-verify");
  std::istringstream lines(text);
  std::string first, second, rest;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_FALSE(std::getline(lines, rest)) << "more than two lines";
  EXPECT_TRUE(std::regex_match(first, std::regex(R"(iot-verify [0-9]+\.[0-9]+\.[0-9]+.*)"))) << first;
  EXPECT_EQ(second.rfind("features: ", 0), 0u) << second;
  for (const char* feature : {"mqtt-v5", "mqtt-tls", "hmac-sha256", "msgpack", "zlib", "lz4", "sqlite", "postgresql",
                              "redis-streams", "fftw3", "http-upload"}) {
    EXPECT_NE((" " + second + " ").find(std::string(" ") + feature + " "), std::string::npos) << feature;
  }
  EXPECT_EQ(text.back(), '\n');
}

TEST(VersionText, NamesTheProgramItIsGiven) {
  EXPECT_EQ(version_text("iot-pub").rfind("iot-pub ", 0), 0u);
  EXPECT_EQ(version_text("x").rfind("x ", 0), 0u);
}

}  // namespace
}  // namespace iot::cli
