// The sqlite3 handle owners (common/store/sqlite_handle.cpp): opening with
// and without create, statements run and prepared, errors with their reason.
#include "store/sqlite_handle.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace iot::store {
namespace {

class SqliteHandle : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("iot-sqlite-handle-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const char* name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(SqliteHandle, CreateMakesTheFileWithoutItIsAnError) {
  auto missing = open_sqlite(path("absent.db"), false);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::io);
  EXPECT_EQ(missing.error().reason, "db_open");
  EXPECT_NE(missing.error().message.find(path("absent.db")), std::string::npos) << missing.error().message;
  EXPECT_FALSE(std::filesystem::exists(path("absent.db")));

  auto created = open_sqlite(path("new.db"), true);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(std::filesystem::exists(path("new.db")));
  created->reset();
  EXPECT_TRUE(open_sqlite(path("new.db"), false));  // there now
}

TEST_F(SqliteHandle, AFolderIsNoDatabase) {
  auto r = open_sqlite(dir_.string(), true);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "db_open");
}

TEST_F(SqliteHandle, ExecAndPrepare) {
  auto db = open_sqlite(path("t.db"), true);
  ASSERT_TRUE(db);
  ASSERT_TRUE(sqlite_exec(db->get(), "CREATE TABLE t (k TEXT PRIMARY KEY, v REAL); INSERT INTO t VALUES ('a', 1.5);"));
  auto st = sqlite_prepare(db->get(), "SELECT v FROM t WHERE k = ?");
  ASSERT_TRUE(st) << st.error().message;
  sqlite3_bind_text(st->get(), 1, "a", -1, SQLITE_STATIC);
  ASSERT_EQ(sqlite3_step(st->get()), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_double(st->get(), 0), 1.5);
  EXPECT_EQ(sqlite3_step(st->get()), SQLITE_DONE);

  auto dup = sqlite_exec(db->get(), "INSERT INTO t VALUES ('a', 2)");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().reason, "db_error");
  EXPECT_NE(dup.error().message.find("UNIQUE"), std::string::npos) << dup.error().message;
  EXPECT_NE(dup.error().message.find("(in: INSERT INTO t"), std::string::npos) << dup.error().message;

  auto bad = sqlite_prepare(db->get(), "SELECT nope FROM t");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, "db_error");
  EXPECT_NE(bad.error().message.find("nope"), std::string::npos) << bad.error().message;
}

TEST_F(SqliteHandle, AStatementCutLongIsQuotedAtEightyBytes) {
  auto db = open_sqlite(path("t.db"), true);
  ASSERT_TRUE(db);
  std::string sql = "SELECT " + std::string(200, 'x') + " FROM nowhere";
  auto r = sqlite_exec(db->get(), sql);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("(in: " + sql.substr(0, 80) + ")"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace iot::store
