// A throwaway Redis Cluster for the store's cluster tests, as
// start_redis_cluster in tests/lib/servers.sh starts one for the suites:
// three redis-server --cluster-enabled yes masters on free loopback ports,
// joined by redis-cli --cluster create. Missing binaries skip the test.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "redis_server.hpp"
#include "store/redis_client.hpp"

namespace iot::store::testing {

class RedisClusterTest : public ::testing::Test {
 protected:
  static constexpr int masters = 3;

  void SetUp() override {
    std::string bin = find_redis_server();
    std::string cli = bin.empty() ? std::string() : bin.substr(0, bin.rfind('/')) + "/redis-cli";
    if (bin.empty() || ::access(cli.c_str(), X_OK) != 0) GTEST_SKIP() << "redis-server or redis-cli not installed";
    dir_ = std::filesystem::temp_directory_path() /
           ("iot-redis-cluster-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::string addresses;
    for (int i = 0; i < masters; ++i) {
      bool up = false;
      for (int attempt = 0; attempt < 5 && !up; ++attempt) {
        int port = free_cluster_port();
        pid_t pid = start(bin, port, i);
        nodes_.push_back(std::make_unique<RedisNode>("127.0.0.1", port, ""));
        ports_.push_back(port);
        pids_.push_back(pid);
        up = wait_ready(pid, *nodes_.back());
        if (!up) {
          stop(pid);
          nodes_.pop_back();
          ports_.pop_back();
          pids_.pop_back();
        }
      }
      ASSERT_TRUE(up) << "cluster node " << i << " did not start";
      addresses += " 127.0.0.1:" + std::to_string(ports_.back());
    }
    std::string create = cli + " --cluster create" + addresses + " --cluster-yes >" + (dir_ / "create.log").string() +
                         " 2>&1";
    ASSERT_EQ(std::system(create.c_str()), 0) << "redis-cli --cluster create failed, see " << (dir_ / "create.log");
    ASSERT_TRUE(settled()) << "the cluster did not settle";
  }
  void TearDown() override {
    nodes_.clear();
    for (pid_t pid : pids_) stop(pid);
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  RedisUrl url() const {
    RedisUrl u;
    u.cluster = true;
    for (int p : ports_) u.nodes.push_back({"127.0.0.1", p});
    u.host = "127.0.0.1";
    u.port = ports_.front();
    return u;
  }
  // One command on node i, directly (no routing); fails the test on an error reply.
  RedisReply on(int i, std::vector<std::string> argv) {
    auto r = nodes_[static_cast<std::size_t>(i)]->pipeline({argv});
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    if (!r) return nullptr;
    EXPECT_EQ(error_text(r->front().get()), "") << argv[0];
    return std::move(r->front());
  }
  std::string text(int i, std::vector<std::string> argv) {
    auto r = on(i, std::move(argv));
    return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) ? std::string(r->str, r->len) : "";
  }
  long long integer(int i, std::vector<std::string> argv) {
    auto r = on(i, std::move(argv));
    return r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
  }
  // The index of the node owning slot, by CLUSTER SLOTS of node 0.
  int owner_of(int slot) {
    auto r = on(0, {"CLUSTER", "SLOTS"});
    for (std::size_t k = 0; r && k < r->elements; ++k) {
      const redisReply* range = r->element[k];
      if (slot < range->element[0]->integer || slot > range->element[1]->integer) continue;
      long long port = range->element[2]->element[1]->integer;
      for (std::size_t i = 0; i < ports_.size(); ++i)
        if (ports_[i] == port) return static_cast<int>(i);
    }
    return -1;
  }
  std::string address(int i) const { return "127.0.0.1:" + std::to_string(ports_[static_cast<std::size_t>(i)]); }

  std::vector<std::unique_ptr<RedisNode>> nodes_;
  std::vector<int> ports_;

 private:
  // A free port for a node: its cluster bus listens 10,000 higher, so
  // redis-server refuses a port over 55535 (about one free port in five).
  static int free_cluster_port() {
    for (int tries = 0; tries < 100; ++tries)
      if (int port = free_loopback_port(); port <= 55535) return port;
    return 0;  // the node then fails to start, and the test says so
  }
  pid_t start(const std::string& bin, int port, int i) {
    std::filesystem::path d = dir_ / std::to_string(i);
    std::filesystem::create_directories(d);
    std::string p = std::to_string(port), dir = d.string(), conf = (d / "nodes.conf").string(),
                log = (d / "redis.log").string();
    pid_t pid = ::fork();
    if (pid == 0) {
      ::execl(bin.c_str(), bin.c_str(), "--port", p.c_str(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
              "--dir", dir.c_str(), "--logfile", log.c_str(), "--cluster-enabled", "yes", "--cluster-config-file",
              conf.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return pid;
  }
  static bool wait_ready(pid_t pid, RedisNode& node) {
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) return false;
      if (auto r = node.pipeline({{"PING"}}); r && error_text(r->front().get()).empty()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // Every node says cluster_state:ok (polled, bounded against a hang).
  bool settled() {
    for (int round = 0; round < 600; ++round) {
      bool ok = true;
      for (auto& n : nodes_) {
        auto r = n->pipeline({{"CLUSTER", "INFO"}});
        if (!r || r->front()->type != REDIS_REPLY_STRING ||
            std::string(r->front()->str).find("cluster_state:ok") == std::string::npos)
          ok = false;
      }
      if (ok) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  static void stop(pid_t pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
  }
  std::filesystem::path dir_;
  std::vector<pid_t> pids_;
};

}  // namespace iot::store::testing
