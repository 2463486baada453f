// Which sink a --db URL opens (common/store/open_sink.cpp). SQLite files
// are opened for real; PostgreSQL URLs go to libpq against a port where
// nothing listens: the sink opens (a database away at start is not a usage
// error) and its first use says "unavailable".
#include "store/sink.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

namespace iot::store {
namespace {

int closed_port() {
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

class OpenSink : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("iot-open-sink-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(OpenSink, SqliteUrls) {
  for (std::string prefix : {"sqlite:", "sqlite://"}) {
    SCOPED_TRACE(prefix);
    std::string file = (dir_ / ("t" + std::to_string(prefix.size()) + ".db")).string();
    auto sink = open_sink(prefix + file, SinkOptions{});
    ASSERT_TRUE(sink) << sink.error().message;
    EXPECT_NE((*sink)->describe().find(file), std::string::npos) << (*sink)->describe();
  }
}

TEST_F(OpenSink, RefusedUrls) {
  struct Row {
    std::string url, reason;
  } rows[] = {
      {"sqlite:", "bad_url"},
      {"sqlite://", "bad_url"},
      {"mysql://db/telemetry", "bad_url"},
      {"telemetry.db", "bad_url"},
      {"", "bad_url"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.url);
    auto sink = open_sink(row.url, SinkOptions{});
    ASSERT_FALSE(sink);
    EXPECT_EQ(sink.error().kind, ErrorKind::usage);
    EXPECT_EQ(sink.error().reason, row.reason);
  }
}

TEST_F(OpenSink, PostgresqlUrlsReachLibpq) {
  const std::string port = std::to_string(closed_port());
  for (std::string url : {"postgresql://127.0.0.1:" + port + "/telemetry", "postgres://127.0.0.1:" + port + "/t",
                          "postgresql:host=127.0.0.1 port=" + port + " dbname=t connect_timeout=5"}) {
    SCOPED_TRACE(url);
    auto sink = open_sink(url, SinkOptions{});
    ASSERT_TRUE(sink) << sink.error().message;
    EXPECT_EQ((*sink)->describe(), "postgresql");  // not connected
    auto st = (*sink)->ensure_schema();
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().kind, ErrorKind::unavailable) << st.error().message;
    EXPECT_EQ(st.error().reason, "db_unavailable");
  }
}

TEST_F(OpenSink, BadTableNamesAreRefusedBeforeAnyConnection) {
  SinkOptions options;
  options.table = "readings; DROP TABLE x";
  auto pg = open_sink("postgresql://127.0.0.1:" + std::to_string(closed_port()) + "/t", options);
  ASSERT_FALSE(pg);
  EXPECT_EQ(pg.error().kind, ErrorKind::usage);
}

}  // namespace
}  // namespace iot::store
