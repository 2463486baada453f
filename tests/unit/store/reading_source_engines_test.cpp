// The row cursors under the reading source
// (common/store/reading_source_engines.cpp): the SQLite cursor's order,
// binding of filter values (never pasted into SQL), its end and a bad stored
// time; the PostgreSQL cursor's answer when no server listens.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "store/reading_source_rows.hpp"
#include "store/sqlite_handle.hpp"

namespace iot::store::detail {
namespace {

class SqliteCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("iot-cursor-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
    auto db = open_sqlite(path_, true);
    ASSERT_TRUE(db);
    // The columns the cursor reads, as the SQLite sink stores them (times as text).
    ASSERT_TRUE(sqlite_exec(db->get(),
                            "CREATE TABLE readings (time TEXT, device_id TEXT, metric TEXT, value REAL, quality INTEGER,"
                            " msg_id TEXT, seq INTEGER);"
                            "INSERT INTO readings VALUES"
                            " ('2024-03-19T10:40:00.000002Z', 'b', 'm', 2.5, 192, 'id2', 2),"
                            " ('2024-03-19T10:40:00.000001Z', 'a''x', 'm', NULL, 0, NULL, NULL),"
                            " ('2024-03-19T10:40:00.000001Z', 'a', 'z', 1, 68, 'id1', 1),"
                            " ('2024-03-19T10:40:00.000001Z', 'a', 'k', 1, 68, 'id1', 1);"));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<SourceRow> rows(const ReadingFilter& filter) {
    auto cursor = open_sqlite_cursor(path_, filter);
    EXPECT_TRUE(cursor) << cursor.error().message;
    std::vector<SourceRow> out;
    if (!cursor) return out;
    SourceRow r;
    for (;;) {
      auto got = (*cursor)->fetch(r);
      EXPECT_TRUE(got) << got.error().message;
      if (!got || !*got) break;
      out.push_back(r);
    }
    auto again = (*cursor)->fetch(r);  // past the end it stays at the end
    EXPECT_TRUE(again && !*again);
    return out;
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteCursorTest, RowsInTimeDeviceMetricOrderWithNulls) {
  auto got = rows(ReadingFilter{});
  ASSERT_EQ(got.size(), 4u);
  const char* order[][2] = {{"a", "k"}, {"a", "z"}, {"a'x", "m"}, {"b", "m"}};
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].device_id, order[i][0]) << i;
    EXPECT_EQ(got[i].metric, order[i][1]) << i;
  }
  EXPECT_EQ(got[0].time_ns, 1710844800000001000);
  EXPECT_EQ(got[0].quality, 68);
  EXPECT_EQ(got[0].msg_id, "id1");
  EXPECT_EQ(got[0].seq, 1);
  EXPECT_FALSE(got[2].value);  // NULL
  EXPECT_EQ(got[2].msg_id, "");
  EXPECT_FALSE(got[2].seq);
  EXPECT_EQ(got[3].value, 2.5);
}

TEST_F(SqliteCursorTest, FilterValuesAreBoundNotPasted) {
  ReadingFilter quote;
  quote.devices = {"a'x"};
  auto got = rows(quote);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].device_id, "a'x");
  ReadingFilter injection;
  injection.devices = {"x' OR '1'='1"};
  EXPECT_TRUE(rows(injection).empty());
  ReadingFilter window;
  window.since_ns = 1710844800000002000;
  window.until_ns = 1710844800000003000;
  got = rows(window);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].device_id, "b");
}

TEST_F(SqliteCursorTest, ABadStoredTimeIsAnInternalError) {
  auto db = open_sqlite(path_, false);
  ASSERT_TRUE(db);
  ASSERT_TRUE(sqlite_exec(db->get(), "UPDATE readings SET time = 'yesterday' WHERE device_id = 'b'"));
  auto cursor = open_sqlite_cursor(path_, ReadingFilter{});
  ASSERT_TRUE(cursor);
  SourceRow r;
  Result<bool> got = true;
  int delivered = 0;
  while ((got = (*cursor)->fetch(r)) && *got) ++delivered;
  EXPECT_EQ(delivered, 3);  // the rows before it came through
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::internal);
  EXPECT_EQ(got.error().reason, "bad_stored_time");
}

TEST_F(SqliteCursorTest, AMissingTableOrFile) {
  ReadingFilter other;
  other.table = "nope";
  auto table = open_sqlite_cursor(path_, other);
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().reason, "db_error");
  auto file = open_sqlite_cursor((dir_ / "absent.db").string(), ReadingFilter{});
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().reason, "db_open");
}

TEST(PgCursor, NoServerIsUnavailable) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  auto cursor = open_pg_cursor("postgresql://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/t", ReadingFilter{});
  ASSERT_FALSE(cursor);
  EXPECT_EQ(cursor.error().kind, ErrorKind::unavailable);
  EXPECT_EQ(cursor.error().reason, "db_unavailable");
}

}  // namespace
}  // namespace iot::store::detail
