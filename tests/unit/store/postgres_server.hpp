// A throwaway PostgreSQL cluster for the store's PostgreSQL tests, started
// by tests/lib/servers.sh's start_postgres itself (the same initdb/pg_ctl
// steps the integration suites use): a bash child starts it, writes the URL
// to a file and waits on its stdin; closing that pipe ends the child, whose
// exit trap stops the cluster. Missing PostgreSQL skips the test.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace iot::store::testing {

class PostgresServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Short: the cluster's Unix socket lives inside, and a socket path
    // holds at most 107 bytes.
    static int count = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("iot-pg-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
    std::filesystem::create_directories(dir_);
    const std::string out = (dir_ / "url").string();
    const std::string script = "source \"$IOT_SOURCE_DIR/tests/lib/servers.sh\"; start_postgres; echo \"$PG_URL\" > '" +
                               out + "'; read -r _ || true";
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[0], 0);
      ::close(fds[0]);
      ::close(fds[1]);
      ::setenv("IOT_SOURCE_DIR", IOT_SOURCE_DIR, 1);
      ::setenv("TMPDIR", dir_.c_str(), 1);
      ::execl("/bin/bash", "bash", "-c", script.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[0]);
    stdin_ = fds[1];
    // Waits for the URL, or for the child to end (77: not installed).
    for (int i = 0; i < 1200; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 77) GTEST_SKIP() << "PostgreSQL server not installed";
        FAIL() << "start_postgres failed (status " << status << ")";
      }
      std::ifstream in(out);
      if (std::getline(in, url_) && !url_.empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "PostgreSQL did not start";
  }
  void TearDown() override {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    std::filesystem::remove_all(dir_);
  }

  std::string url_;  // postgresql://postgres@127.0.0.1:PORT/telemetry

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int stdin_ = -1;
};

}  // namespace iot::store::testing
