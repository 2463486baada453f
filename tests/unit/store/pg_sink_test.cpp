// The PostgreSQL sink (common/store/pg_sink.cpp): how libpqxx exceptions
// become errors (pure, table-driven), and writes against a real PostgreSQL
// started as the integration suites start one (postgres_server.hpp):
// rows land, duplicates are counted, data the database refuses is
// "db_rejected", a route's own table is created on first use; binary COPY
// stores what text COPY stores, and a table made beforehand with other
// types or with defaults gets the same rows as text COPY would give it.
#include "store/pg_sink.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "postgres_server.hpp"

namespace iot::store {
namespace {

TEST(PgError, ConnectionTroubleIsUnavailableDataTroubleIsRejected) {
  struct Row {
    const char* what;
    std::function<Error()> make;
    ErrorKind kind;
    const char* reason;
  } rows[] = {
      {"broken connection", [] { return pg_error(pqxx::broken_connection("server closed the connection")); },
       ErrorKind::unavailable, "db_unavailable"},
      {"in doubt", [] { return pg_error(pqxx::in_doubt_error("commit in doubt")); }, ErrorKind::unavailable,
       "db_unavailable"},
      {"08006 connection failure", [] { return pg_error(pqxx::sql_error("x", "q", "08006")); },
       ErrorKind::unavailable, "db_unavailable"},
      {"53100 disk full", [] { return pg_error(pqxx::sql_error("x", "q", "53100")); }, ErrorKind::unavailable,
       "db_unavailable"},
      {"57P01 admin shutdown", [] { return pg_error(pqxx::sql_error("x", "q", "57P01")); }, ErrorKind::unavailable,
       "db_unavailable"},
      {"40001 serialization", [] { return pg_error(pqxx::sql_error("x", "q", "40001")); }, ErrorKind::unavailable,
       "db_unavailable"},
      {"no sqlstate", [] { return pg_error(pqxx::sql_error("x", "q")); }, ErrorKind::unavailable, "db_unavailable"},
      {"23505 unique violation", [] { return pg_error(pqxx::sql_error("x", "q", "23505")); }, ErrorKind::bad_input,
       "db_rejected"},
      {"22021 bad encoding", [] { return pg_error(pqxx::sql_error("x", "q", "22021")); }, ErrorKind::bad_input,
       "db_rejected"},
      {"42P01 undefined table", [] { return pg_error(pqxx::sql_error("x", "q", "42P01")); }, ErrorKind::bad_input,
       "db_rejected"},
      {"anything else", [] { return pg_error(std::runtime_error("odd")); }, ErrorKind::unavailable,
       "db_unavailable"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.what);
    Error e = row.make();
    EXPECT_EQ(e.kind, row.kind);
    EXPECT_EQ(e.reason, row.reason);
    EXPECT_EQ(e.message.rfind("PostgreSQL: ", 0), 0u) << e.message;
  }
}

TEST(PgSinkOpen, IdentifiersAreCheckedBeforeConnecting) {
  for (auto [table, schema] : {std::pair<std::string, std::string>{"readings; drop", ""}, {"readings", "a b"},
                               {"", ""}, {std::string(64, 'r'), ""}}) {
    SCOPED_TRACE(table + "/" + schema);
    SinkOptions options;
    options.table = table;
    options.schema = schema;
    auto sink = PgSink::open("postgresql://127.0.0.1:1/t", options);
    ASSERT_FALSE(sink);
    EXPECT_EQ(sink.error().kind, ErrorKind::usage);
    EXPECT_EQ(sink.error().reason, "bad_identifier");
  }
}

ReadingRow reading(std::string device, std::int64_t ms, std::string metric, double value) {
  ReadingRow r;
  r.device_id = std::move(device);
  r.time_ns = ms * 1000000;
  r.metric = std::move(metric);
  r.value = value;
  r.msg_id = "m-" + std::to_string(ms);
  r.seq = ms % 1000;
  r.tags_json = R"({"site":"detroit"})";
  return r;
}

class PgSinkServer : public testing::PostgresServerTest {
 protected:
  std::unique_ptr<PgSink> open_sink(const std::string& schema = "", bool tag_sets = false) {
    SinkOptions options;
    options.schema = schema;
    options.tag_sets = tag_sets;
    options.plans.fallback.rollups.clear();  // no views: these tests are about rows
    auto sink = PgSink::open(url_, options);
    EXPECT_TRUE(sink) << sink.error().message;
    if (!sink) return nullptr;
    auto st = (*sink)->ensure_schema();
    EXPECT_TRUE(st) << st.error().message;
    return std::move(*sink);
  }
  // A readings table made beforehand in its own schema, as a user would,
  // with the given quality and tenant columns (types, defaults).
  void make_readings_table(const std::string& schema, const std::string& quality, const std::string& tenant) {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec("CREATE SCHEMA " + schema);
    tx.exec("CREATE TABLE " + schema + ".readings (time timestamptz NOT NULL, device_id text NOT NULL,"
            " metric text NOT NULL, value double precision, " + quality + ", " + tenant + ", protocol text,"
            " unit text, msg_id text, seq bigint, tags jsonb, extra jsonb, PRIMARY KEY (device_id, metric, time))");
    tx.commit();
  }
  std::string query(const std::string& sql) {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    auto r = tx.exec(sql);
    std::string out;
    for (const auto& row : r) {
      for (int i = 0; i < static_cast<int>(row.size()); ++i) out += (i ? "|" : "") + std::string(row[i].c_str());
      out += "\n";
    }
    return out;
  }
};

TEST_F(PgSinkServer, RowsLandAndDuplicatesAreCounted) {
  auto sink = open_sink();
  ASSERT_TRUE(sink);
  EXPECT_EQ(sink->describe().rfind("postgresql://127.0.0.1:", 0), 0u) << sink->describe();
  Batch b;
  b.readings = {reading("P-1", 1710844800123, "temp", 72.4), reading("P-1", 1710844800123, "flow", 3.5),
                reading("P-2", 1710844800124, "temp", -1)};
  auto first = sink->write(b);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->inserted, 3u);
  EXPECT_EQ(first->duplicates, 0u);
  // The same batch again (a redelivery): nothing new, every row a duplicate.
  auto again = sink->write(b);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->inserted, 0u);
  EXPECT_EQ(again->duplicates, 3u);
  EXPECT_EQ(query("SELECT device_id, metric, value, quality, msg_id, seq, tags->>'site',"
                  " (extract(epoch FROM time) * 1000)::bigint FROM readings ORDER BY device_id, metric"),
            "P-1|flow|3.5|192|m-1710844800123|123|detroit|1710844800123\n"
            "P-1|temp|72.4|192|m-1710844800123|123|detroit|1710844800123\n"
            "P-2|temp|-1|192|m-1710844800124|124|detroit|1710844800124\n");
}

TEST_F(PgSinkServer, ARoutesTableAndASchemaAreCreatedOnFirstUse) {
  auto sink = open_sink("plant");
  ASSERT_TRUE(sink);
  Batch b;
  b.readings = {reading("S-9", 1710844800000, "SX101_PV", 4.2)};
  b.readings[0].table = "kpi_readings";
  b.readings.push_back(reading("P-1", 1710844800000, "temp", 1));
  auto w = sink->write(b);
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->inserted, 2u);
  EXPECT_EQ(query("SELECT device_id FROM plant.kpi_readings"), "S-9\n");
  EXPECT_EQ(query("SELECT device_id FROM plant.readings"), "P-1\n");
}

TEST_F(PgSinkServer, DataTheDatabaseRefusesIsRejectedAndNothingOfTheBatchLands) {
  auto sink = open_sink();
  ASSERT_TRUE(sink);
  Batch b;
  b.readings = {reading("P-1", 1710844800000, "temp", 1), reading(std::string("bad\0id", 6), 1710844800000, "temp", 2)};
  auto w = sink->write(b);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().kind, ErrorKind::bad_input);
  EXPECT_EQ(w.error().reason, "db_rejected");
  EXPECT_EQ(query("SELECT count(*) FROM readings"), "0\n");  // one transaction: all or nothing
  // The sink is still usable.
  b.readings.pop_back();
  auto ok = sink->write(b);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->inserted, 1u);
}

// A key conflict rolls back the whole transaction, a route's table made in
// it too; the batch written again through the staging table makes the
// table again and stores the new rows only.
TEST_F(PgSinkServer, AConflictWritesTheWholeBatchAgainWithTheTablesItMade) {
  auto sink = open_sink();
  ASSERT_TRUE(sink);
  Batch first;
  first.readings = {reading("P-1", 1710844800000, "temp", 1)};
  ASSERT_TRUE(sink->write(first));
  Batch b;
  b.readings = {reading("S-9", 1710844800000, "SX101_PV", 4.2), reading("P-1", 1710844800000, "temp", 1),
                reading("P-1", 1710844800001, "temp", 2)};
  b.readings[0].table = "kpi_late";
  auto w = sink->write(b);
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->inserted, 2u);
  EXPECT_EQ(w->duplicates, 1u);
  EXPECT_EQ(query("SELECT device_id FROM kpi_late"), "S-9\n");
  EXPECT_EQ(query("SELECT count(*) FROM readings"), "2\n");
}

// Every column, NULLs and escapes: the binary path stores exactly what the
// text path stores into a table with other types (made beforehand: text COPY).
TEST_F(PgSinkServer, BinaryCopyStoresWhatTextCopyStores) {
  auto sink = open_sink("bin");
  ASSERT_TRUE(sink);
  // quality integer rather than smallint: COPY binary cannot convert, so this table takes text.
  make_readings_table("txt", "quality integer NOT NULL DEFAULT 192", "tenant text");
  auto text_sink = open_sink("txt");
  ASSERT_TRUE(text_sink);
  ReadingRow full = reading("P\t\\1", 1710844800123, "temp °C", -0.1);
  full.time_ns += 456789;  // below the microsecond: floored
  full.quality = -5;
  full.tenant = "t1";
  full.protocol = "modbus";
  full.unit = "C\\n";  // a backslash, then n
  full.extra_json = R"({"raw":[1,2.5,"x"]})";
  ReadingRow bare;
  bare.device_id = "P-2";
  bare.metric = "flow";
  bare.time_ns = -1;  // before 1970
  Batch b;
  b.readings = {full, bare};
  for (auto* s : {sink.get(), text_sink.get()}) {
    auto w = s->write(b);
    ASSERT_TRUE(w) << w.error().message;
    EXPECT_EQ(w->inserted, 2u);
  }
  const std::string select =
      "SELECT time, device_id, metric, value, quality, tenant, protocol, unit, msg_id, seq, tags, extra,"
      " value IS NULL, seq IS NULL, tags IS NULL FROM {}.readings ORDER BY metric";
  auto rows = [&](const std::string& schema) {
    std::string sql = select;
    sql.replace(sql.find("{}"), 2, schema);
    return query("SET TIME ZONE 'UTC'; " + sql);
  };
  EXPECT_EQ(rows("bin"), rows("txt"));
  EXPECT_EQ(rows("bin"),
            "1969-12-31 23:59:59.999999+00|P-2|flow||192||||||||t|t|t\n"
            "2024-03-19 10:40:00.123456+00|P\t\\1|temp °C|-0.1|-5|t1|modbus|C\\n|m-1710844800123|123|"
            "{\"site\": \"detroit\"}|{\"raw\": [1, 2.5, \"x\"]}|f|f|f\n");
}

// A nullable column with a default of its own is still sent as NULL (leaving
// it out of the COPY would store the default); a quality outside smallint is
// refused as text COPY refuses it.
TEST_F(PgSinkServer, ColumnsWithDefaultsGetNullAndAQualityOutsideSmallintIsRejected) {
  make_readings_table("dflt", "quality smallint NOT NULL DEFAULT 192", "tenant text DEFAULT 'acme'");
  auto sink = open_sink("dflt");
  ASSERT_TRUE(sink);
  Batch b;
  b.readings = {reading("P-1", 1710844800000, "temp", 1)};
  auto w = sink->write(b);
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(query("SELECT tenant IS NULL, protocol IS NULL FROM dflt.readings"), "t|t\n");
  b.readings = {reading("P-1", 1710844800001, "temp", 1), reading("P-1", 1710844800002, "temp", 1)};
  b.readings[1].quality = 40000;
  auto refused = sink->write(b);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason, "db_rejected");
  EXPECT_EQ(query("SELECT count(*) FROM dflt.readings"), "1\n");
}

// --tag-sets: one row of readings_tag_sets per distinct tags object, rows
// refer to it by id, and readings_tagged shows each row's tags; a second
// sink (worker) finds the sets the first stored. Binary COPY here, text
// COPY into a table made beforehand with other types.
TEST_F(PgSinkServer, TagSetsStoreEachTagsObjectOnceByBinaryAndTextCopy) {
  make_readings_table("txt_sets", "quality integer NOT NULL DEFAULT 192", "tenant text");
  for (const std::string schema : {"bin_sets", "txt_sets"}) {
    SCOPED_TRACE(schema);
    auto sink = open_sink(schema, true);
    auto other = open_sink(schema, true);
    ASSERT_TRUE(sink && other);
    const SharedText wide(R"({"site":"x","note":")" + std::string(3000, 'n') + R"("})");  // past a btree entry
    Batch b;
    b.readings = {reading("P-1", 1710844800000, "temp", 1), reading("P-1", 1710844800000, "flow", 2),
                  reading("P-2", 1710844800000, "temp", 3), reading("P-3", 1710844800000, "temp", 4)};
    b.readings[2].tags_json = R"({"site":"a \"quoted\" \\ name"})";
    b.readings[3].tags_json = wide;
    ReadingRow untagged = reading("P-4", 1710844800000, "temp", 5);
    untagged.tags_json = SharedText();
    b.readings.push_back(untagged);
    auto w = sink->write(b);
    ASSERT_TRUE(w) << w.error().message;
    EXPECT_EQ(w->inserted, 5u);
    Batch more;
    more.readings = {reading("P-1", 1710844801000, "temp", 6)};
    ASSERT_TRUE(other->write(more));
    EXPECT_EQ(query("SELECT count(*), count(DISTINCT tags) FROM " + schema + ".readings_tag_sets"), "3|3\n");
    EXPECT_EQ(query("SELECT count(*) FROM " + schema + ".readings WHERE tags IS NOT NULL"), "0\n");
    EXPECT_EQ(query("SELECT device_id, count(*), min(tags->>'site') FROM " + schema +
                    ".readings_tagged GROUP BY device_id ORDER BY device_id"),
              "P-1|3|detroit\nP-2|1|a \"quoted\" \\ name\nP-3|1|x\nP-4|1|\n");
  }
}

// A key conflict rolls the batch back, the tag sets it stored too: written
// again through the staging table, the batch stores them again.
TEST_F(PgSinkServer, TagSetsOfABatchRolledBackByAConflictAreStoredAgain) {
  auto sink = open_sink("", true);
  ASSERT_TRUE(sink);
  Batch first;
  first.readings = {reading("P-1", 1710844800000, "temp", 1)};
  ASSERT_TRUE(sink->write(first));
  Batch b;
  b.readings = {reading("P-1", 1710844800000, "temp", 1), reading("P-2", 1710844800000, "temp", 2)};
  b.readings[1].tags_json = R"({"site":"new"})";
  auto w = sink->write(b);
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->inserted, 1u);
  EXPECT_EQ(w->duplicates, 1u);
  EXPECT_EQ(query("SELECT device_id, tags->>'site' FROM readings_tagged ORDER BY device_id"),
            "P-1|detroit\nP-2|new\n");
}

}  // namespace
}  // namespace iot::store
