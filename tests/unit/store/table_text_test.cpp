// A whole table read back as text (common/store/table_text.cpp): SQLite
// files and a real PostgreSQL cluster.
#include "store/table_text.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <cstdio>
#include <string>
#include <vector>

#include "store/postgres_server.hpp"
#include "store/sqlite_handle.hpp"

namespace iot::store {
namespace {

using Rows = std::vector<std::vector<std::string>>;

class SqliteTableText : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/table_text_" + std::to_string(::getpid()) + ".db";
    std::remove(path_.c_str());
    auto db = open_sqlite(path_, true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(sqlite_exec(db->get(),
                            "CREATE TABLE devices (device_id TEXT, floor INTEGER, gain REAL, site TEXT);"
                            "INSERT INTO devices VALUES ('P-1', 3, 1.5, 'A'), ('P-2', NULL, NULL, 'B, \"north\"');")
                    .ok());
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
};

TEST_F(SqliteTableText, EveryRowAsTextNullEmpty) {
  auto t = read_table_text("sqlite:" + path_, "", "devices");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->columns, (std::vector<std::string>{"device_id", "floor", "gain", "site"}));
  EXPECT_EQ(t->rows, (Rows{{"P-1", "3", "1.5", "A"}, {"P-2", "", "", "B, \"north\""}}));
}

TEST_F(SqliteTableText, Refusals) {
  struct Case {
    std::string url, table;
    ErrorKind kind;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"sqlite:" + path_, "no_such_table", ErrorKind::bad_input, "db_rejected"},
      {"sqlite:" + path_, "devices; DROP TABLE devices", ErrorKind::usage, "bad_identifier"},
      {"sqlite:" + path_ + ".missing", "devices", ErrorKind::unavailable, "db_unavailable"},
      {"influxdb://localhost:8086/x", "devices", ErrorKind::usage, "bad_url"},
  };
  for (const auto& c : cases) {
    auto t = read_table_text(c.url, "", c.table);
    ASSERT_FALSE(t.ok()) << c.url << " " << c.table;
    EXPECT_EQ(t.error().kind, c.kind) << c.table << ": " << t.error().message;
    EXPECT_EQ(t.error().reason, c.reason) << c.table;
  }
  auto still = read_table_text("sqlite:" + path_, "", "devices");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->rows.size(), 2u);
}

class PgTableText : public testing::PostgresServerTest {};

TEST_F(PgTableText, EveryRowAsTextInItsSchema) {
  {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    tx.exec("CREATE SCHEMA meta; CREATE TABLE meta.devices (device_id text PRIMARY KEY, floor int, site text);"
            "INSERT INTO meta.devices VALUES ('P-1', 3, 'A'), ('P-2', NULL, 'B')");
    tx.commit();
  }
  auto t = read_table_text(url_, "meta", "devices");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->columns, (std::vector<std::string>{"device_id", "floor", "site"}));
  auto rows = t->rows;
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (Rows{{"P-1", "3", "A"}, {"P-2", "", "B"}}));
  auto missing = read_table_text(url_, "", "devices");  // not in the search path
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().reason, "db_rejected");
}

TEST(PgTableTextNoServer, IsUnavailable) {
  auto t = read_table_text("postgresql://postgres@127.0.0.1:1/telemetry?connect_timeout=2", "", "devices");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().kind, ErrorKind::unavailable);
}

}  // namespace
}  // namespace iot::store
