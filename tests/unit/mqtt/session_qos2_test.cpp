// A broker without QoS 2 (common/mqtt/session.hpp, the QoS 2 members): the
// session fails with the reason instead of reconnecting and sending the same
// message again. The broker here is a scripted one on a loopback port, so
// that each rule can be shown alone (the first drop, a second chance for a
// broker that did complete QoS 2 once, MQTT 5's Maximum QoS); the interop
// suites show the same against RabbitMQ and mosquitto themselves.
#include "mqtt/session.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "support/loopback_port.hpp"
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

// Answers CONNECT with CONNACK (with Maximum QoS 1 under MQTT 5 when
// asked), PINGREQ with PINGRESP, and a QoS 2 PUBLISH either with PUBACK (as
// RabbitMQ does) or, for the first `complete_first` of them, with the whole
// exchange (PUBREC, then PUBCOMP for the PUBREL). With close_first, the
// first that many QoS 2 PUBLISHes are answered by closing the connection,
// as mosquitto with max_qos 1 does under MQTT 3.1.1.
class Qos2FakeBroker {
 public:
  Qos2FakeBroker(int complete_first, bool v5_max_qos_1, int close_first = 0)
      : complete_left_(complete_first), close_left_(close_first), max_qos_1_(v5_max_qos_1) {
    listen_fd_ = iot::test::loopback_listener(4, port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~Qos2FakeBroker() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }
  int connections() const { return connections_.load(); }
  int publishes() const { return publishes_.load(); }

 private:
  bool wait_readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    while (!stop_)
      if (::poll(&p, 1, 50) > 0) return true;
    return false;
  }
  bool read_exact(int fd, std::uint8_t* out, std::size_t n) {
    while (n > 0) {
      if (!wait_readable(fd)) return false;
      ssize_t r = ::read(fd, out, n);
      if (r <= 0) return false;
      out += r;
      n -= static_cast<std::size_t>(r);
    }
    return true;
  }
  void send(int fd, std::vector<std::uint8_t> bytes) {
    [[maybe_unused]] auto n = ::write(fd, bytes.data(), bytes.size());
  }
  void serve() {
    while (!stop_) {
      if (!wait_readable(listen_fd_)) return;
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++connections_;
      serve_connection(fd);
      ::close(fd);
    }
  }
  void serve_connection(int fd) {
    while (!stop_) {
      std::uint8_t header = 0;
      if (!read_exact(fd, &header, 1)) return;
      std::size_t length = 0;
      for (int shift = 0;; shift += 7) {
        std::uint8_t b = 0;
        if (!read_exact(fd, &b, 1)) return;
        length |= static_cast<std::size_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
      }
      std::vector<std::uint8_t> body(length);
      if (length && !read_exact(fd, body.data(), length)) return;
      switch (header >> 4) {
        case 1:  // CONNECT
          if (max_qos_1_) send(fd, {0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x01});  // properties: Maximum QoS 1
          else send(fd, {0x20, 0x02, 0x00, 0x00});
          break;
        case 3: {  // PUBLISH
          ++publishes_;
          if (((header >> 1) & 3) != 2) break;
          std::size_t topic_len = (std::size_t(body[0]) << 8) | body[1];
          std::uint8_t hi = body[2 + topic_len], lo = body[3 + topic_len];
          if (close_left_ > 0) {
            --close_left_;
            return;
          }
          if (complete_left_ > 0) {
            --complete_left_;
            send(fd, {0x50, 0x02, hi, lo});  // PUBREC
          } else {
            send(fd, {0x40, 0x02, hi, lo});  // PUBACK, as RabbitMQ answers
          }
          break;
        }
        case 6: send(fd, {0x70, 0x02, body[0], body[1]}); break;  // PUBREL -> PUBCOMP
        case 12: send(fd, {0xd0, 0x00}); break;                    // PINGREQ -> PINGRESP
        case 14: return;                                           // DISCONNECT
        default: break;
      }
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  int complete_left_;
  int close_left_;
  bool max_qos_1_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0}, publishes_{0};
  std::thread thread_;
};

iot::mqtt::SessionConfig qos2_config(int port, int protocol) {
  iot::mqtt::SessionConfig c;
  c.endpoint.host = "127.0.0.1";
  c.endpoint.port = port;
  c.client_id = "unit-qos2";
  c.protocol = protocol;
  c.retries = 0;  // only the QoS 2 rule may end the session
  c.backoff = {10ms, 20ms, 2.0};
  return c;
}

bool wait_failed(iot::mqtt::Session& s) {
  for (int i = 0; i < 1000 && s.state() != iot::mqtt::SessionState::failed; ++i) std::this_thread::sleep_for(10ms);
  return s.state() == iot::mqtt::SessionState::failed;
}

// An MQTT 3.1.1 session to the fake broker, connected; each PUBCOMP counts
// in `completed`. Null when it could not connect.
std::unique_ptr<iot::mqtt::Session> connected_311(int port, std::atomic<int>& completed) {
  auto s = iot::mqtt::Session::create(qos2_config(port, 311));
  if (!s.ok()) return nullptr;
  (*s)->on_publish([&completed](int, int) { ++completed; });
  if (!(*s)->start().ok() || !(*s)->wait_connected(10s).ok()) return nullptr;
  return std::move(*s);
}

// One QoS 2 publish over MQTT 3.1.1 that the broker never completes: the
// session fails for want of QoS 2 after `connections` connections, saying
// `why`, without reconnecting again.
void expect_fails_without_qos2(const Qos2FakeBroker& broker, int connections, const std::string& why) {
  std::atomic<int> completed{0};
  auto s = connected_311(broker.port(), completed);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->publish("a/b", "x", 2, false, {}).ok());
  ASSERT_TRUE(wait_failed(*s));
  EXPECT_TRUE(s->broker_lacks_qos2());
  EXPECT_EQ(broker.connections(), connections);
  EXPECT_EQ(broker.publishes(), connections);
  EXPECT_NE(s->last_error().message.find("does not support QoS 2: " + why), std::string::npos) << s->last_error().message;
  EXPECT_EQ(s->last_error().kind, iot::ErrorKind::unavailable);
  EXPECT_EQ(completed.load(), 0);
  s->stop();
}

bool wait_completed(const std::atomic<int>& completed, int n) {
  for (int i = 0; i < 1000 && completed < n; ++i) std::this_thread::sleep_for(10ms);
  return completed == n;
}

}  // namespace

// RabbitMQ's case: the first PUBACK for a QoS 2 publish ends the session.
TEST(SessionQos2, PubackForQos2FailsAtTheFirstDrop) {
  Qos2FakeBroker broker(0, false);
  expect_fails_without_qos2(broker, 1, "it broke off a QoS 2 publish with a protocol error");
}

// A broker that completed a QoS 2 publish does QoS 2: a connection on which
// one completed does not count, and one drop after that is taken for an
// accident (reconnect, send again); the second in a row ends the session.
TEST(SessionQos2, AfterACompletedQos2TheSecondDropFails) {
  Qos2FakeBroker broker(1, false);
  std::atomic<int> completed{0};
  auto s = connected_311(broker.port(), completed);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->publish("a/b", "1", 2, false, {}).ok());
  ASSERT_TRUE(wait_completed(completed, 1));
  ASSERT_TRUE(s->publish("a/b", "2", 2, false, {}).ok());
  ASSERT_TRUE(wait_failed(*s));
  EXPECT_TRUE(s->broker_lacks_qos2());
  EXPECT_EQ(broker.connections(), 3);
  s->stop();
}

// MQTT 5: a CONNACK with Maximum QoS 1 refuses a QoS 2 publish before
// anything is sent.
TEST(SessionQos2, MaximumQosInConnackRefusesQos2UpFront) {
  Qos2FakeBroker broker(0, true);
  auto c = qos2_config(broker.port(), 5);
  c.caller_loop = true;
  auto s = iot::mqtt::Session::create(c);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->start().ok());
  for (int i = 0; i < 1000 && !(*s)->connected(); ++i) (*s)->run_once(10ms);
  ASSERT_TRUE((*s)->connected());
  auto r = (*s)->publish("a/b", "x", 2, false, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, iot::ErrorKind::unavailable);
  EXPECT_NE(r.error().message.find("Maximum QoS 1"), std::string::npos);
  EXPECT_EQ((*s)->state(), iot::mqtt::SessionState::failed);
  EXPECT_TRUE((*s)->broker_lacks_qos2());
  (*s)->stop();
  EXPECT_EQ(broker.publishes(), 0);
}

// mosquitto with max_qos 1 under MQTT 3.1.1: the connection is closed right
// after each QoS 2 publish. The third such close in a row ends the session,
// saying why, instead of reconnecting and sending it again for ever.
TEST(SessionQos2, ClosedAfterEachQos2PublishFailsAtTheThirdClose) {
  Qos2FakeBroker broker(0, false, 1000);
  expect_fails_without_qos2(broker, 3, "it closed the connection right after a QoS 2 publish, 3 times in a row");
}

// Two closes, then a broker that completes the exchange: a network that
// drops connections is not a broker without QoS 2. The message goes
// through on the third connection and the session carries on.
TEST(SessionQos2, TwoClosesThenACompletedQos2KeepTheSession) {
  Qos2FakeBroker broker(1, false, 2);
  std::atomic<int> completed{0};
  auto s = connected_311(broker.port(), completed);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->publish("a/b", "x", 2, false, {}).ok());
  EXPECT_TRUE(wait_completed(completed, 1));
  EXPECT_EQ(broker.connections(), 3);
  EXPECT_NE(s->state(), iot::mqtt::SessionState::failed);
  EXPECT_FALSE(s->broker_lacks_qos2());
  s->stop();
}
