#include "cli/metrics_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "cli/metrics.hpp"
#include "core/relaxed.hpp"

namespace iot::cli {
namespace {

// One HTTP/1.0 request over loopback, the whole answer back.
std::string http_get(std::uint16_t port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) { ::close(fd); return ""; }
  (void)::write(fd, request.data(), request.size());
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) answer.append(buf, std::size_t(n));
  ::close(fd);
  return answer;
}

std::string get(std::uint16_t port, const std::string& path) {
  return http_get(port, "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n");
}

TEST(MetricsServer, ServesTheCountersAsTheyAreNow) {
  Metrics m("iot_test");
  auto server = MetricsServer::start("127.0.0.1:0", {[&m] { return m.render(); }, nullptr});
  ASSERT_TRUE(server) << server.error().message;
  ASSERT_NE((*server)->port(), 0);
  m.set("messages_total", 3, "Messages");
  std::string first = get((*server)->port(), "/metrics");
  EXPECT_TRUE(first.starts_with("HTTP/1.0 200") || first.starts_with("HTTP/1.1 200")) << first;
  EXPECT_NE(first.find("text/plain; version=0.0.4"), std::string::npos) << first;
  EXPECT_NE(first.find("\niot_test_messages_total 3\n"), std::string::npos) << first;
  m.set("messages_total", 5);
  EXPECT_NE(get((*server)->port(), "/metrics").find("\niot_test_messages_total 5\n"), std::string::npos);
}

TEST(MetricsServer, HealthzIs503WhileAConnectionIsDown) {
  std::atomic<bool> up{true};
  Exposition e;
  e.health = [&up] {
    Health h;
    h.healthy = up.load();
    h.detail["broker"] = up.load() ? "connected" : "disconnected";
    return h;
  };
  auto server = MetricsServer::start("127.0.0.1:0", e);
  ASSERT_TRUE(server) << server.error().message;
  std::string healthy = get((*server)->port(), "/healthz");
  EXPECT_NE(healthy.find(" 200 "), std::string::npos) << healthy;
  EXPECT_NE(healthy.find(R"({"broker":"connected","status":"ok"})"), std::string::npos) << healthy;
  up = false;
  std::string down = get((*server)->port(), "/healthz");
  EXPECT_NE(down.find(" 503 "), std::string::npos) << down;
  EXPECT_NE(down.find(R"("status":"unhealthy")"), std::string::npos) << down;
}

TEST(MetricsServer, UnknownPathsAndMethodsAreRefused) {
  auto server = MetricsServer::start("127.0.0.1:0", {});
  ASSERT_TRUE(server);
  EXPECT_NE(get((*server)->port(), "/nothing").find(" 404 "), std::string::npos);
  std::string post = http_get((*server)->port(), "POST /metrics HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
  EXPECT_NE(post.find(" 405 "), std::string::npos) << post;
}

TEST(MetricsServer, RefusesBadAddressesAndABusyPort) {
  EXPECT_FALSE(MetricsServer::start("9100", {}));
  EXPECT_FALSE(MetricsServer::start("127.0.0.1:99999", {}));
  EXPECT_FALSE(MetricsServer::start("127.0.0.1:", {}));
  EXPECT_FALSE(MetricsServer::start("[::1", {}));
  auto first = MetricsServer::start("127.0.0.1:0", {});
  ASSERT_TRUE(first);
  auto second = MetricsServer::start("127.0.0.1:" + std::to_string((*first)->port()), {});
  EXPECT_FALSE(second);
}

// The tools count on their own thread while the server's thread renders
// /metrics: the counters are Relaxed (core/relaxed.hpp), so this is no data
// race (a ThreadSanitizer build reports it when they are plain integers),
// and a scrape never sees a count go back.
TEST(MetricsServer, ServesCountersWhileTheOwnerCountsThem) {
  constexpr std::uint64_t kEnd = 300000;
  Count lines;
  auto server = MetricsServer::start("127.0.0.1:0", {[&lines] {
                                       Metrics m("iot_test");
                                       m.set("lines_total", double(lines));
                                       return m.render();
                                     },
                                     nullptr});
  ASSERT_TRUE(server) << server.error().message;
  auto scraped = [&] {
    std::string body = get((*server)->port(), "/metrics");
    auto at = body.find("\niot_test_lines_total ");
    return at == std::string::npos ? -1.0 : std::stod(body.substr(at + 22));
  };
  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> scrapes{0};
  std::uint64_t backwards = 0, unreadable = 0;
  std::thread scraper([&] {
    double last = 0;
    do {
      double now = scraped();
      if (now < 0) ++unreadable;
      else if (now < last) ++backwards;
      else last = now;
      ++scrapes;
    } while (!done.load());
  });
  // Counting goes on until a few scrapes were answered meanwhile.
  std::uint64_t counted = 0;
  while (counted < kEnd || scrapes.load() < 3) {
    ++lines;
    ++counted;
  }
  done = true;
  scraper.join();
  EXPECT_EQ(backwards, 0u);
  EXPECT_EQ(unreadable, 0u);
  EXPECT_EQ(scraped(), double(counted));
}

}  // namespace
}  // namespace iot::cli
