#include "cli/options.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace iot::cli {
namespace {

std::string write_temp(const std::string& name, const std::string& content) {
  auto path = std::filesystem::temp_directory_path() / ("iot-cli-test-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

TEST(ResolveBroker, DefaultsToLocalhost1883) {
  auto ep = resolve_broker(BrokerOptions{});
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "localhost");
  EXPECT_EQ(ep->port, 1883);
  EXPECT_FALSE(ep->tls);
}

TEST(ResolveBroker, ParsesUserHostPortAndTls) {
  BrokerOptions o;
  o.url = "mqtts://alice@broker.example:9999";
  auto ep = resolve_broker(o);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "broker.example");
  EXPECT_EQ(ep->port, 9999);
  EXPECT_TRUE(ep->tls);
  EXPECT_EQ(ep->user, "alice");
}

TEST(ResolveBroker, MqttsDefaultsTo8883AndIpv6Literal) {
  BrokerOptions o;
  o.url = "mqtts://[::1]";
  auto ep = resolve_broker(o);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->port, 8883);
}

TEST(ResolveBroker, FlagsOverrideUrl) {
  BrokerOptions o;
  o.url = "mqtt://a:1000";
  o.host = "b";
  o.port = 2000;
  auto ep = resolve_broker(o);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "b");
  EXPECT_EQ(ep->port, 2000);
}

TEST(ResolveBroker, RefusesOtherSchemesAndBadPorts) {
  BrokerOptions o;
  o.url = "http://x";
  EXPECT_FALSE(resolve_broker(o));
  o.url = "mqtt://x:70000";
  EXPECT_FALSE(resolve_broker(o));
}

// Typos are usage errors naming the URL, never a host looked up for minutes.
TEST(ResolveBroker, RefusesMistypedUrls) {
  for (const char* bad : {"mqtt//host", "mqtt:/host", "mqtt://ho st", "mqtt://host:12ab", "mqtt://host:",
                          "mqtt://[::1", "mqtt://[::1]x", "host/x"}) {
    BrokerOptions o;
    o.url = bad;
    auto ep = resolve_broker(o);
    ASSERT_FALSE(ep) << bad;
    EXPECT_EQ(ep.error().kind, ErrorKind::usage) << bad;
    EXPECT_NE(ep.error().message.find(std::string("\"") + bad + "\""), std::string::npos) << ep.error().message;
  }
}

TEST(ResolveBroker, AcceptsBareHostsIpv6AndTheDefaultHost) {
  BrokerOptions o;
  o.url = "broker.local:1884";
  auto ep = resolve_broker(o);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "broker.local");
  EXPECT_EQ(ep->port, 1884);
  o.url = "mqtt://[::1]:1885/";
  ep = resolve_broker(o);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->port, 1885);
  o.url = "mqtt://:1886";
  ep = resolve_broker(o);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "localhost");
  EXPECT_EQ(ep->port, 1886);
}

TEST(ResolveBroker, PasswordFromFileThenEnvironment) {
  BrokerOptions o;
  o.password_file = write_temp("pw", "s3cret\n");
  auto ep = resolve_broker(o);
  ASSERT_TRUE(ep);
  ASSERT_TRUE(ep->password);
  EXPECT_EQ(*ep->password, "s3cret");
  o.password_file.clear();
  setenv("IOT_PASSWORD", "fromenv", 1);
  ep = resolve_broker(o);
  unsetenv("IOT_PASSWORD");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->password.value_or(""), "fromenv");
}

TEST(ReadSecretFile, TrailingNewlineIgnoredOnce) {
  EXPECT_EQ(*read_secret_file(write_temp("k1", "secret\n")), "secret");
  EXPECT_EQ(*read_secret_file(write_temp("k2", "secret\n\n")), "secret\n");
  EXPECT_EQ(*read_secret_file(write_temp("k3", "secret")), "secret");
}

TEST(ReadSecretFile, Base64AndHexPrefixes) {
  EXPECT_EQ(*read_secret_file(write_temp("k4", "base64:AAEC/w==\n")), std::string("\x00\x01\x02\xff", 4));
  EXPECT_EQ(*read_secret_file(write_temp("k5", "hex:0001FF")), std::string("\x00\x01\xff", 3));
  EXPECT_FALSE(read_secret_file(write_temp("k6", "hex:zz")));
  EXPECT_FALSE(read_secret_file(write_temp("k7", "")));
  EXPECT_FALSE(read_secret_file("/nonexistent/key"));
}

TEST(DefaultClientId, UniqueAndWithinMqttLimits) {
  auto a = default_client_id("pub");
  auto b = default_client_id("pub");
  EXPECT_NE(a, b);
  EXPECT_LE(a.size(), 64u);
  EXPECT_EQ(a.rfind("iot-pub-", 0), 0u);
}

}  // namespace
}  // namespace iot::cli
