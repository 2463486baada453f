// Session behaviour that needs no broker: refused connections end in the
// failed state after the retries, with the reason kept for exit 69.
#include "mqtt/session.hpp"
#include "support/loopback_port.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

using namespace std::chrono_literals;

namespace {
// A loopback port with nothing listening on it.
int closed_port() { return iot::test::unused_loopback_port(); }
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

// caller_loop: no thread of the session; the owner's run_once() connects,
// backs off and gives up the same way.
TEST(Session, CallerLoopGivesUpAfterTheRetries) {
  iot::mqtt::SessionConfig c;
  c.endpoint.host = "127.0.0.1";
  c.endpoint.port = closed_port();
  c.client_id = "unit-session-caller";
  c.retries = 3;
  c.backoff = {10ms, 20ms, 2.0};
  c.caller_loop = true;
  auto s = iot::mqtt::Session::create(c);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->start().ok());
  EXPECT_EQ((*s)->state(), iot::mqtt::SessionState::connecting);
  int steps = 0;
  while ((*s)->state() == iot::mqtt::SessionState::connecting && steps < 1000) {
    (*s)->run_once(50ms);
    ++steps;
  }
  EXPECT_EQ((*s)->state(), iot::mqtt::SessionState::failed);
  EXPECT_FALSE((*s)->ever_connected());
  EXPECT_EQ((*s)->last_error().kind, iot::ErrorKind::unavailable);
  (*s)->stop();
  EXPECT_EQ((*s)->state(), iot::mqtt::SessionState::failed);
}

// wake() from another thread ends the owner's wait in run_once (here: the
// backoff before the next attempt, a minute long). Without the wake this
// test would hang until ctest's timeout; a wake before the wait counts too.
TEST(Session, CallerLoopWakeEndsTheWait) {
  iot::mqtt::SessionConfig c;
  c.endpoint.host = "127.0.0.1";
  c.endpoint.port = closed_port();
  c.client_id = "unit-session-wake";
  c.retries = 0;
  c.backoff = {60000ms, 60000ms, 1.0};
  c.caller_loop = true;
  auto s = iot::mqtt::Session::create(c);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->start().ok());
  (*s)->run_once(0ms);  // the first attempt: refused; the next one is a backoff away
  ASSERT_EQ((*s)->state(), iot::mqtt::SessionState::connecting);
  std::thread waker([&] { (*s)->wake(); });
  (*s)->run_once(std::chrono::minutes(10));
  waker.join();
  EXPECT_EQ((*s)->state(), iot::mqtt::SessionState::connecting);  // woken, not reconnected
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

// subscribe() while the session runs: accepted while disconnected (the
// next CONNACK subscribes it), once per filter.
TEST(Session, SubscribeWhileDisconnectedIsKeptForTheConnect) {
  iot::mqtt::SessionConfig c;
  c.endpoint.host = "127.0.0.1";
  c.endpoint.port = closed_port();
  c.client_id = "unit-session-subscribe";
  c.retries = 0;
  auto s = iot::mqtt::Session::create(c);
  ASSERT_TRUE(s.ok());
  (*s)->subscribe_on_connect({"a/b"}, 1);
  ASSERT_TRUE((*s)->start().ok());
  EXPECT_TRUE((*s)->subscribe("plant/P-1/resend").ok());
  EXPECT_TRUE((*s)->subscribe("plant/P-1/resend").ok());
  EXPECT_TRUE((*s)->subscribe("a/b").ok());
  (*s)->stop();
}
