// A throwaway redis-server for the store's Redis tests, as tests/lib/servers.sh
// starts one for the integration suites: a real binary on a free loopback
// port, in a temp directory, no persistence, stopped when the test ends.
// Missing redis-server skips the test (never a pass).
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "store/redis_client.hpp"

namespace iot::store::testing {

inline std::string find_redis_server() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/usr/sbin";
  dirs += ":/usr/bin:/usr/sbin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/redis-server";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

inline int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

class RedisServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string bin = find_redis_server();
    if (bin.empty()) GTEST_SKIP() << "redis-server not installed";
    dir_ = std::filesystem::temp_directory_path() /
           ("iot-redis-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    // A port found free may be taken before the server binds it: try a few.
    for (int attempt = 0; attempt < 5 && !client_; ++attempt) {
      url_.port = free_loopback_port();
      start(bin);
      client_ = wait_ready();
      if (!client_) stop();
    }
    ASSERT_TRUE(client_) << "redis-server did not start";
  }
  void TearDown() override {
    client_.reset();
    stop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // A new connection to the server.
  std::unique_ptr<RedisClient> connect() {
    auto c = RedisClient::connect(url_);
    EXPECT_TRUE(c) << c.error().message;
    return c ? std::move(*c) : nullptr;
  }
  std::string url_text() const { return "redis://127.0.0.1:" + std::to_string(url_.port); }

  RedisUrl url_;
  std::unique_ptr<RedisClient> client_;  // for the test's own checks

 private:
  void start(const std::string& bin) {
    std::string port = std::to_string(url_.port), dir = dir_.string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl(bin.c_str(), bin.c_str(), "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "", "--appendonly",
              "no", "--dir", dir.c_str(), "--logfile", (dir + "/redis.log").c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  // Polls until the server answers PING, or it died, or 200 tries passed.
  std::unique_ptr<RedisClient> wait_ready() {
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return nullptr;
      }
      if (auto c = RedisClient::connect(url_)) {
        if (auto pong = (*c)->command({"PING"})) return std::move(*c);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return nullptr;
  }
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

}  // namespace iot::store::testing
