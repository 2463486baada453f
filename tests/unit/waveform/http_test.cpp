// PUT and GET of the pre-signed URL path (common/waveform/http.cpp) against a
// small HTTP/1.1 server run by the test on a loopback port: bodies go up and
// come back byte for byte; non-2xx answers, a cap on the size and a port with
// nothing behind it are errors of the kinds the man page's exit codes need.
#include "waveform/http.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include "support/loopback_port.hpp"

namespace iot::waveform {
namespace {

// One connection at a time, "Connection: close". PUT stores the body under
// the path (201), GET returns it (200) or 404; any path under /status/NNN
// answers NNN.
class TinyHttpServer {
 public:
  TinyHttpServer() {
    listen_fd_ = iot::test::loopback_listener(8, port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~TinyHttpServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::string stored(const std::string& path) {
    std::lock_guard lock(mutex_);
    return bodies_[path];
  }

 private:
  void serve() {
    for (;;) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      handle(fd);
      ::close(fd);
    }
  }
  static bool read_more(int fd, std::string& in) {
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    in.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  static void send_all(int fd, const std::string& out) {
    for (std::size_t at = 0; at < out.size();) {
      ssize_t n = ::send(fd, out.data() + at, out.size() - at, MSG_NOSIGNAL);
      if (n <= 0) return;
      at += static_cast<std::size_t>(n);
    }
  }
  void handle(int fd) {
    std::string in;
    std::size_t head_end;
    while ((head_end = in.find("\r\n\r\n")) == std::string::npos)
      if (!read_more(fd, in)) return;
    std::string head = in.substr(0, head_end);
    std::string body = in.substr(head_end + 4);
    std::string method = head.substr(0, head.find(' '));
    std::string path = head.substr(method.size() + 1, head.find(' ', method.size() + 1) - method.size() - 1);
    std::size_t length = 0;
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto at = lower.find("content-length:"); at != std::string::npos) length = std::stoul(head.substr(at + 15));
    if (lower.find("expect: 100-continue") != std::string::npos) send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    while (body.size() < length)
      if (!read_more(fd, body)) return;
    int status = 200;
    std::string reply;
    if (path.rfind("/status/", 0) == 0) {
      status = std::stoi(path.substr(8, 3));
    } else if (method == "PUT") {
      std::lock_guard lock(mutex_);
      bodies_[path] = body;
      status = 201;
    } else if (method == "GET") {
      std::lock_guard lock(mutex_);
      auto it = bodies_.find(path);
      if (it == bodies_.end()) status = 404;
      else reply = it->second;
    }
    send_all(fd, "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(reply.size()) +
                     "\r\nConnection: close\r\n\r\n" + reply);
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, std::string> bodies_;
};

int closed_port() { return iot::test::unused_loopback_port(); }

TEST(Http, PutThenGetGivesTheBytesBack) {
  TinyHttpServer server;
  std::string blob;
  for (int i = 0; i < 300000; ++i) blob += static_cast<char>((i * 131) & 0xff);  // binary, NULs included
  for (const std::string& body : {std::string(), std::string("small"), blob}) {
    SCOPED_TRACE(body.size());
    const std::string path = "/blobs/" + std::to_string(body.size());
    ASSERT_TRUE(http_put(server.url(path), body));
    EXPECT_EQ(server.stored(path), body);
    auto back = http_get(server.url(path), body.size() + 1);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, body);
  }
}

TEST(Http, NonSuccessStatusesAreUnavailable) {
  TinyHttpServer server;
  for (const char* status : {"403", "404", "500", "301"}) {
    SCOPED_TRACE(status);
    auto put = http_put(server.url(std::string("/status/") + status), "x");
    ASSERT_FALSE(put);
    EXPECT_EQ(put.error().kind, ErrorKind::unavailable);
    EXPECT_EQ(put.error().reason, "http");
    EXPECT_NE(put.error().message.find(std::string("HTTP status ") + status), std::string::npos)
        << put.error().message;
    auto get = http_get(server.url(std::string("/status/") + status), 100);
    ASSERT_FALSE(get);
    EXPECT_EQ(get.error().kind, ErrorKind::unavailable);
  }
  EXPECT_TRUE(http_put(server.url("/status/204"), "x"));  // any 2xx is success
}

TEST(Http, ABodyOverTheCapIsTooLarge) {
  TinyHttpServer server;
  ASSERT_TRUE(http_put(server.url("/big"), std::string(5000, 'b')));
  auto capped = http_get(server.url("/big"), 4999);
  ASSERT_FALSE(capped);
  EXPECT_EQ(capped.error().kind, ErrorKind::too_large);
  auto exact = http_get(server.url("/big"), 5000);
  ASSERT_TRUE(exact) << exact.error().message;
  EXPECT_EQ(exact->size(), 5000u);
}

TEST(Http, NobodyListeningIsUnavailable) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/x";
  auto put = http_put(url, "x", std::chrono::seconds(10));
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, ErrorKind::unavailable);
  EXPECT_NE(put.error().message.find(url), std::string::npos) << put.error().message;
  auto get = http_get(url, 10, std::chrono::seconds(10));
  ASSERT_FALSE(get);
  EXPECT_EQ(get.error().kind, ErrorKind::unavailable);
}

TEST(Http, OnlyHttpUrls) {
  auto put = http_put("file:///etc/hostname", "x");
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().reason, "http");
  auto get = http_get("ftp://127.0.0.1/x", 10);
  ASSERT_FALSE(get);
}

}  // namespace
}  // namespace iot::waveform
