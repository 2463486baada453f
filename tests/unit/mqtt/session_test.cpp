// Session behaviour that needs no broker: refused connections end in the
// failed state after the retries, with the reason kept for exit 69.
#include "mqtt/session.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace std::chrono_literals;

namespace {
// A loopback port with nothing listening on it.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}
}  // namespace

TEST(Session, GivesUpAfterTheRetries) {
  iot::mqtt::SessionConfig c;
  c.endpoint.host = "127.0.0.1";
  c.endpoint.port = closed_port();
  c.client_id = "unit-session";
  c.retries = 3;
  c.backoff = {10ms, 20ms, 2.0};
  auto s = iot::mqtt::Session::create(c);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->start().ok());
  auto st = (*s)->wait_connected(10s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, iot::ErrorKind::unavailable);
  EXPECT_EQ((*s)->state(), iot::mqtt::SessionState::failed);
  EXPECT_FALSE((*s)->ever_connected());
  (*s)->stop();
}

TEST(Session, QosZeroWhileDisconnectedIsNotQueued) {
  iot::mqtt::SessionConfig c;
  c.client_id = "unit-session-2";
  auto s = iot::mqtt::Session::create(c);
  ASSERT_TRUE(s.ok());
  auto r = (*s)->publish("a/b", "x", 0, false, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, iot::ErrorKind::unavailable);
  // QoS 1 is queued by libmosquitto: accepted with a mid.
  auto q1 = (*s)->publish("a/b", "x", 1, false, {});
  ASSERT_TRUE(q1.ok());
  EXPECT_GT(*q1, 0);
}

TEST(Session, EmptyClientIdIsAUsageError) {
  iot::mqtt::SessionConfig c;
  auto s = iot::mqtt::Session::create(c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, iot::ErrorKind::usage);
}
