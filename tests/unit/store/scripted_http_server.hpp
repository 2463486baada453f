// A loopback HTTP server for the HTTP clients' unit tests: answers each
// connection's one request with the next scripted reply (then closes it),
// and keeps every request it read. For what a real server cannot be made to
// do on cue (a 503, a 400 with a given reason, a token endpoint).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace iot::store::testing {

// "HTTP/1.1 STATUS\r\n...": a full reply with Content-Length and Connection: close.
inline std::string http_reply(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

class ScriptedHttpServer {
 public:
  explicit ScriptedHttpServer(std::vector<std::string> replies) : replies_(std::move(replies)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 16);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      for (const auto& reply : replies_) serve(reply);
    });
  }
  ~ScriptedHttpServer() {
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The requests read so far (call after the client is done).
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve(const std::string& reply) {
    int c = accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    std::string request;
    char buf[65536];
    for (;;) {
      auto head_end = request.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        auto at = request.find("Content-Length: ");
        std::size_t want = at == std::string::npos || at > head_end ? 0 : std::stoul(request.substr(at + 16));
        if (request.size() >= head_end + 4 + want) break;
      }
      auto n = read(c, buf, sizeof buf);
      if (n <= 0) break;
      request.append(buf, static_cast<std::size_t>(n));
    }
    {  // kept before answering: the client may look as soon as it has the answer
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(request));
    }
    (void)!write(c, reply.data(), reply.size());
    close(c);
  }
  std::vector<std::string> replies_;
  int fd_ = -1;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

}  // namespace iot::store::testing
