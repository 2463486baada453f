#include "store/sqlite_sink.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/reading_source.hpp"

namespace iot::store {
namespace {

class SqliteSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("iot-sqlite-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }
  static ReadingRow row(std::string device, std::string metric, std::int64_t ms, double v, std::int64_t seq) {
    ReadingRow r;
    r.device_id = std::move(device);
    r.metric = std::move(metric);
    r.time_ns = ms * 1000000;
    r.value = v;
    r.seq = seq;
    r.msg_id = "m" + std::to_string(seq);
    return r;
  }
  std::int64_t count(const std::string& sql) {
    auto db = open_sqlite(path_, false);
    auto st = sqlite_prepare(db->get(), sql);
    EXPECT_EQ(sqlite3_step(st->get()), SQLITE_ROW);
    return sqlite3_column_int64(st->get(), 0);
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteSinkTest, WritesAndCountsPrimaryKeyDuplicates) {
  auto sink = SqliteSink::open(path_, {});
  ASSERT_TRUE(sink);
  ASSERT_TRUE((*sink)->ensure_schema());
  Batch b;
  b.readings = {row("P-1", "temp", 1000, 1.5, 1), row("P-1", "flow", 1000, 2.5, 1), row("P-1", "temp", 2000, 3, 2)};
  auto s1 = (*sink)->write(b);
  ASSERT_TRUE(s1) << s1.error().message;
  EXPECT_EQ(s1->inserted, 3u);
  EXPECT_EQ(s1->duplicates, 0u);
  auto s2 = (*sink)->write(b);  // the same batch again: all duplicates
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->inserted, 0u);
  EXPECT_EQ(s2->duplicates, 3u);
  EXPECT_EQ(count("SELECT count(*) FROM readings"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM readings WHERE time = '1970-01-01T00:00:01.000000Z'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
}

// Readings go kRowsPerInsert to a statement: runs longer than that, runs
// per table, duplicates inside one statement and across them, and a bad row
// in a long run all count and land as row by row would.
TEST_F(SqliteSinkTest, ManyRowsToAStatementCountAndLandAsOneByOne) {
  auto sink = SqliteSink::open(path_, {});
  ASSERT_TRUE(sink && (*sink)->ensure_schema());
  const std::size_t n = 3 * SqliteSink::kRowsPerInsert + 7;
  Batch b;
  for (std::size_t i = 0; i < n; ++i) {
    // Each time three readings long, so that a statement holds several times.
    b.readings.push_back(row("P-" + std::to_string(i % 3), "temp", 1000 + static_cast<std::int64_t>(i / 3), double(i),
                             static_cast<std::int64_t>(i)));
    if (i % 5 == 0) b.readings.push_back(b.readings.back());  // a duplicate right behind it
    if (i == 101) b.readings.back().table = "kpi_readings";    // a run of one for another table
  }
  auto s1 = (*sink)->write(b);
  ASSERT_TRUE(s1) << s1.error().message;
  const std::size_t dups = (n + 4) / 5;
  EXPECT_EQ(s1->inserted, n);
  EXPECT_EQ(s1->duplicates, dups);
  EXPECT_EQ(count("SELECT count(*) FROM readings"), static_cast<std::int64_t>(n - 1));
  EXPECT_EQ(count("SELECT count(*) FROM kpi_readings"), 1);
  EXPECT_EQ(count("SELECT sum(value) FROM readings WHERE seq = 150 AND device_id = 'P-0' AND "
                  "time = '1970-01-01T00:00:01.050000Z'"),
            150);
  EXPECT_EQ(count("SELECT count(DISTINCT time) FROM readings"), static_cast<std::int64_t>((n + 2) / 3));
  auto s2 = (*sink)->write(b);  // all again: every row a duplicate
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->inserted, 0u);
  EXPECT_EQ(s2->duplicates, n + dups);
  // A row the table refuses (NOT NULL) in a long run fails the batch, which
  // is then found row by row by the caller: nothing of it is kept.
  Batch bad;
  for (std::size_t i = 0; i < 2 * SqliteSink::kRowsPerInsert; ++i)
    bad.readings.push_back(row("Q", "m" + std::to_string(i), 5000, 1, 1));
  bad.readings[70].device_id.clear();  // bound as NULL
  auto s3 = (*sink)->write(bad);
  ASSERT_FALSE(s3);
  EXPECT_EQ(s3.error().reason, "db_rejected");
  EXPECT_EQ(count("SELECT count(*) FROM readings WHERE device_id = 'Q'"), 0);
}

TEST_F(SqliteSinkTest, GapsOpenNarrowAndFill) {
  auto sink = SqliteSink::open(path_, {});
  ASSERT_TRUE(sink && (*sink)->ensure_schema());
  Batch b;
  b.gaps.push_back({"P-1", 5, 9, 1000, false, {}, std::nullopt});
  ASSERT_TRUE((*sink)->write(b));
  EXPECT_EQ(count("SELECT to_seq FROM gaps WHERE device_id='P-1' AND from_seq=5"), 9);
  b.gaps = {{"P-1", 5, 9, 2000, true, {{5, 6}, {8, 9}}, std::nullopt}};  // 7 arrived late
  ASSERT_TRUE((*sink)->write(b));
  EXPECT_EQ(count("SELECT count(*) FROM gaps WHERE filled_at IS NULL"), 2);
  EXPECT_EQ(count("SELECT sum(to_seq - from_seq + 1) FROM gaps WHERE filled_at IS NULL"), 4);
  b.gaps = {{"P-1", 5, 9, 3000, true, {}, 4000}};  // the rest arrived
  ASSERT_TRUE((*sink)->write(b));
  EXPECT_EQ(count("SELECT count(*) FROM gaps WHERE filled_at IS NULL"), 0);
  EXPECT_EQ(count("SELECT to_seq FROM gaps WHERE from_seq = 5 AND filled_at IS NOT NULL"), 9);
}

TEST_F(SqliteSinkTest, RouteTablesAreCreatedOnFirstUse) {
  auto sink = SqliteSink::open(path_, {});
  ASSERT_TRUE(sink && (*sink)->ensure_schema());
  Batch b;
  b.readings = {row("a", "m", 1, 1, 1)};
  b.readings[0].table = "kpi_readings";
  ASSERT_TRUE((*sink)->write(b));
  EXPECT_EQ(count("SELECT count(*) FROM kpi_readings"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM readings"), 0);
}

TEST_F(SqliteSinkTest, BadTableNameIsRefused) {
  SinkOptions o;
  o.table = "x; DROP TABLE y";
  EXPECT_FALSE(SqliteSink::open(path_, o));
}

TEST_F(SqliteSinkTest, ReadingSourceGroupsPerDeviceAndTime) {
  auto sink = SqliteSink::open(path_, {});
  ASSERT_TRUE(sink && (*sink)->ensure_schema());
  Batch b;
  b.readings = {row("P-2", "temp", 1000, 1.5, 7), row("P-1", "flow", 1000, 2.5, 3), row("P-1", "temp", 1000, 3, 3),
                row("P-1", "temp", 2000, 4, 4)};
  b.readings.back().value.reset();
  ASSERT_TRUE((*sink)->write(b));
  auto source = ReadingSource::open("sqlite:" + path_, {});
  ASSERT_TRUE(source) << source.error().message;
  StoredMessage m;
  std::vector<std::string> got;
  for (;;) {
    auto more = (*source)->next(m);
    ASSERT_TRUE(more);
    if (!*more) break;
    got.push_back(m.payload_json);
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0],
            "{\"schema_version\":\"2.1\",\"msg_id\":\"m3\",\"device_id\":\"P-1\",\"ts\":1000,\"seq\":3,"
            "\"d\":{\"flow\":{\"v\":2.5,\"q\":192},\"temp\":{\"v\":3,\"q\":192}}}");
  EXPECT_NE(got[1].find("\"device_id\":\"P-2\""), std::string::npos);
  EXPECT_NE(got[2].find("\"temp\":{\"v\":null,\"q\":192}"), std::string::npos);

  ReadingFilter f;
  f.devices = {"P-1"};
  f.metrics = {"temp"};
  f.since_ns = 1500 * 1000000LL;
  auto filtered = ReadingSource::open("sqlite:" + path_, f);
  ASSERT_TRUE(filtered);
  auto first = (*filtered)->next(m);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(m.time_ns, 2000 * 1000000LL);
  auto end = (*filtered)->next(m);
  ASSERT_TRUE(end);
  EXPECT_FALSE(*end);
}

TEST_F(SqliteSinkTest, ReadingSourceRefusesBadUrls) {
  EXPECT_FALSE(ReadingSource::open("mysql://x", {}));
  EXPECT_FALSE(ReadingSource::open("sqlite:" + (dir_ / "missing.db").string(), {}));
  ReadingFilter f;
  f.table = "readings\"--";
  auto r = ReadingSource::open("sqlite:" + path_, f);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "bad_identifier");
}

// --ack-file's mark must not be ahead of what survives a power cut: the
// sink fsyncs every commit when asked, and keeps NORMAL otherwise.
TEST_F(SqliteSinkTest, SyncEveryCommitMeansSynchronousFull) {
  SinkOptions options;
  auto normal = SqliteSink::open(path_, options);
  ASSERT_TRUE(normal.ok()) << normal.error().message;
  EXPECT_EQ((*normal)->synchronous(), 1);
  options.sync_every_commit = true;
  auto full = SqliteSink::open(path_, options);
  ASSERT_TRUE(full.ok()) << full.error().message;
  EXPECT_EQ((*full)->synchronous(), 2);
}

}  // namespace
}  // namespace iot::store
