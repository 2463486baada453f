#include "store/http_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "scripted_http_server.hpp"

namespace iot::store {
namespace {

// One connection on a loopback port: reads the request (headers and a
// Content-Length body), answers `reply`, keeps what it read.
class OneShotServer {
 public:
  explicit OneShotServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 1);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~OneShotServer() {
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }
  const std::string& request() const { return request_; }

 private:
  void serve() {
    int c = accept(fd_, nullptr, nullptr);
    char buf[4096];
    for (;;) {
      auto head_end = request_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        auto at = request_.find("Content-Length: ");
        std::size_t want = at == std::string::npos ? 0 : std::stoul(request_.substr(at + 16));
        if (request_.size() >= head_end + 4 + want) break;
      }
      auto n = read(c, buf, sizeof buf);
      if (n <= 0) break;
      request_.append(buf, static_cast<std::size_t>(n));
    }
    (void)!write(c, reply_.data(), reply_.size());
    close(c);
  }
  std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

TEST(HttpClient, PostsBodyHeadersAndBasicAuth) {
  OneShotServer server("HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"error\":1}");
  HttpClient client(HttpClient::Options{});
  client.set_basic_auth("ingest", "pw");
  auto r = client.post("http://127.0.0.1:" + std::to_string(server.port()) + "/write?db=x", "line one\n",
                       {"Content-Encoding: gzip"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 400);  // any HTTP answer is a response, not an error
  EXPECT_EQ(r->body, "{\"error\":1}");
  const std::string& req = server.request();
  EXPECT_EQ(req.rfind("POST /write?db=x HTTP/1.1\r\n", 0), 0u) << req;
  EXPECT_NE(req.find("Authorization: Basic aW5nZXN0OnB3\r\n"), std::string::npos) << req;  // ingest:pw
  EXPECT_NE(req.find("Content-Encoding: gzip\r\n"), std::string::npos) << req;
  EXPECT_EQ(req.find("Expect:"), std::string::npos) << "no 100-continue round trip";
  EXPECT_EQ(req.substr(req.size() - 9), "line one\n");
}

TEST(HttpClient, NoServerIsUnavailable) {
  int port;
  {  // a port that was free a moment ago and has no listener now
    OneShotServer gone("HTTP/1.1 204 No Content\r\n\r\n");
    port = gone.port();
    HttpClient wake(HttpClient::Options{});
    (void)wake.post("http://127.0.0.1:" + std::to_string(port) + "/", "", {});
  }
  HttpClient client(HttpClient::Options{});
  auto r = client.post("http://127.0.0.1:" + std::to_string(port) + "/write", "x", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::unavailable);
  EXPECT_EQ(r.error().reason, "db_unavailable");
}

TEST(HttpClient, FormEscape) {
  HttpClient client(HttpClient::Options{});
  EXPECT_EQ(client.form_escape("CREATE DATABASE \"a b\""), "CREATE%20DATABASE%20%22a%20b%22");
  EXPECT_EQ(client.form_escape("rp_1d"), "rp_1d");
}

TEST(HttpClient, RequestSendsAnyMethod) {
  testing::ScriptedHttpServer server({testing::http_reply(409, "{}")});
  HttpClient client(HttpClient::Options{});
  auto r = client.request("PUT", server.base() + "/v1/projects/p/topics/t", {}, {"Content-Type: application/json"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 409);
  auto req = server.requests();
  ASSERT_EQ(req.size(), 1u);
  EXPECT_EQ(req[0].rfind("PUT /v1/projects/p/topics/t HTTP/1.1\r\n", 0), 0u) << req[0];
}

TEST(HttpParallel, SendsEveryPostAndAnswersInOrder) {
  // The server answers in the order connections arrive; each answer names
  // the request it read, so the client's order can be checked.
  testing::ScriptedHttpServer server({testing::http_reply(200, "a"), testing::http_reply(200, "a"),
                                      testing::http_reply(200, "a")});
  HttpParallel parallel(3, HttpTimeouts{});
  std::vector<std::string> bodies{"one", "two", "three"};
  std::vector<HttpPost> posts;
  for (const auto& b : bodies) posts.push_back({server.base() + "/" + b, b, {"X-Test: 1"}});
  auto answers = parallel.post_all(posts);
  ASSERT_EQ(answers.size(), 3u);
  for (const auto& a : answers) {
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->status, 200);
  }
  auto req = server.requests();
  ASSERT_EQ(req.size(), 3u);
  for (const auto& b : bodies) {
    bool seen = false;
    for (const auto& r : req) seen = seen || (r.find("POST /" + b + " ") == 0 && r.substr(r.size() - b.size()) == b);
    EXPECT_TRUE(seen) << b;
  }
}

TEST(HttpParallel, NoServerIsUnavailablePerRequest) {
  int port;
  {
    testing::ScriptedHttpServer gone({testing::http_reply(204, "")});
    port = gone.port();
    HttpClient wake(HttpClient::Options{});
    (void)wake.post("http://127.0.0.1:" + std::to_string(port) + "/", "", {});
  }
  HttpParallel parallel(2, HttpTimeouts{});
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto answers = parallel.post_all({{url, "x", {}}, {url, "y", {}}});
  ASSERT_EQ(answers.size(), 2u);
  for (const auto& a : answers) {
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().reason, "db_unavailable");
  }
}

}  // namespace
}  // namespace iot::store
