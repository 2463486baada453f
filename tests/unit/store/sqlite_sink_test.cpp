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
  // The rows of a query, columns joined by |, NULL as "NULL", one row a line.
  std::string rows_of(const std::string& sql) {
    auto db = open_sqlite(path_, false);
    auto st = sqlite_prepare(db->get(), sql);
    EXPECT_TRUE(st) << sql;
    std::string out;
    while (st && sqlite3_step(st->get()) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(st->get()); ++i) {
        const auto* text = sqlite3_column_text(st->get(), i);
        out += (i ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "NULL");
      }
      out += "\n";
    }
    return out;
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

// --tag-sets: each distinct tags text once in readings_tag_sets, rows refer
// to it, and readings_tagged shows every row with its tags, rows written
// before the option (tags in the row) too. Across two sinks on one file
// (two workers), one set is one row.
TEST_F(SqliteSinkTest, TagSetsStoreEachTagsTextOnceAndTheViewShowsThem) {
  {
    auto inline_sink = SqliteSink::open(path_, {});
    ASSERT_TRUE(inline_sink && (*inline_sink)->ensure_schema());
    Batch old;
    old.readings = {row("P-0", "temp", 500, 0, 0)};
    old.readings[0].tags_json = R"({"site":"old"})";
    ASSERT_TRUE((*inline_sink)->write(old));
  }
  SinkOptions o;
  o.tag_sets = true;
  auto sink = SqliteSink::open(path_, o);
  auto other = SqliteSink::open(path_, o);
  ASSERT_TRUE(sink && (*sink)->ensure_schema());
  ASSERT_TRUE(other && (*other)->ensure_schema());
  const SharedText north(R"({"site":"north"})"), south(R"({"site":"south"})");
  Batch b;
  for (std::int64_t i = 0; i < 150; ++i) {  // several statements of kRowsPerInsert rows, one set each device
    b.readings.push_back(row("P-" + std::to_string(i % 3), "temp", 1000 + i, double(i), i));
    b.readings.back().tags_json = i % 3 == 0 ? north : i % 3 == 1 ? SharedText(R"({"site":"south"})") : SharedText();
  }
  b.readings[7].table = "kpi_readings";
  auto w = (*sink)->write(b);
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->inserted, 150u);
  Batch more;
  more.readings = {row("P-1", "temp", 9000, 1, 1)};
  more.readings[0].tags_json = south;
  ASSERT_TRUE((*other)->write(more));
  EXPECT_EQ(rows_of("SELECT id, tags FROM readings_tag_sets ORDER BY id"),
            "1|{\"site\":\"north\"}\n2|{\"site\":\"south\"}\n");
  EXPECT_EQ(count("SELECT count(*) FROM readings WHERE tags IS NOT NULL"), 1);  // the row from before
  EXPECT_EQ(rows_of("SELECT device_id, tags, count(*) FROM readings_tagged GROUP BY device_id, tags"),
            "P-0|{\"site\":\"north\"}|50\n"
            "P-0|{\"site\":\"old\"}|1\n"
            "P-1|{\"site\":\"south\"}|50\n"
            "P-2|NULL|50\n");
  EXPECT_EQ(rows_of("SELECT tags FROM kpi_readings_tagged"), "{\"site\":\"south\"}\n");
  EXPECT_EQ(rows_of("SELECT tags FROM kpi_readings_tag_sets"), "{\"site\":\"south\"}\n");
}

// A tag set stored by a batch that is then rolled back is gone: the next
// batch with the same tags must store it again, not refer to an id that
// no row holds.
TEST_F(SqliteSinkTest, ATagSetOfARolledBackBatchIsStoredAgain) {
  SinkOptions o;
  o.tag_sets = true;
  auto sink = SqliteSink::open(path_, o);
  ASSERT_TRUE(sink && (*sink)->ensure_schema());
  const SharedText tags(R"({"site":"west"})");
  Batch bad;
  bad.readings = {row("P-1", "temp", 1000, 1, 1), row("", "temp", 1000, 1, 1)};  // NOT NULL device_id
  bad.readings[0].tags_json = tags;
  ASSERT_FALSE((*sink)->write(bad));
  EXPECT_EQ(count("SELECT count(*) FROM readings_tag_sets"), 0);
  Batch good;
  good.readings = {bad.readings[0]};
  ASSERT_TRUE((*sink)->write(good));
  EXPECT_EQ(rows_of("SELECT device_id, tags FROM readings_tagged"), "P-1|{\"site\":\"west\"}\n");
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
