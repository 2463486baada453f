#include "cli/broker_config.hpp"

#include <gtest/gtest.h>

TEST(BrokerConfig, UrlAndDefaults) {
  iot::cli::BrokerOptions o;
  o.url = "mqtt://127.0.0.1:1999";
  o.protocol = 311;
  auto c = iot::cli::session_config_from(o, "sub");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->endpoint.host, "127.0.0.1");
  EXPECT_EQ(c->endpoint.port, 1999);
  EXPECT_EQ(c->protocol, 311);
  EXPECT_NE(c->client_id.find("sub"), std::string::npos);
}

TEST(BrokerConfig, DefaultClientIdsAreUnique) {
  iot::cli::BrokerOptions o;
  auto a = iot::cli::session_config_from(o, "pub");
  auto b = iot::cli::session_config_from(o, "pub");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->client_id, b->client_id);
}

TEST(BrokerConfig, InsecureNeedsTls) {
  iot::cli::BrokerOptions o;
  o.insecure = true;
  auto c = iot::cli::session_config_from(o, "pub");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, iot::ErrorKind::usage);
  o.url = "mqtts://broker.example";
  EXPECT_TRUE(iot::cli::session_config_from(o, "pub").ok());
}
