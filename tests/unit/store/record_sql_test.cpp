// The record tables in SQLite and PostgreSQL (common/store/record_sql.cpp):
// made twice without harm; a copy of a message is one row; agent_state and
// agent_job_status take only a newer message, in any order of arrival.
#include "store/record_sql.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "postgres_server.hpp"
#include "store/sqlite_handle.hpp"

namespace iot::store {
namespace {

constexpr std::int64_t kRecordT0 = 1710844800000000000;  // 2024-03-19T10:40:00Z
constexpr std::int64_t S = 1000000000;

RecordRow row(RecordTable table, std::string id, std::int64_t t, std::string label = {}, std::string json = "{}") {
  RecordRow r;
  r.table = table;
  r.msg_id = std::move(id);
  r.time_ns = t;
  r.device_id = "a1";
  r.tenant = "acme";
  r.name = table == RecordTable::events ? "anomaly" : table == RecordTable::actions ? "open" : "J-1";
  r.label = std::move(label);
  r.text = "line";
  r.json = std::move(json);
  return r;
}

// Duplicated, reordered and late: the job's updates and the agent's states.
std::vector<RecordRow> record_history() {
  return {
      row(RecordTable::agent_job_status, "j2", kRecordT0 + 2 * S, "running", "{\"p\":2}"),
      row(RecordTable::agent_job_status, "j3", kRecordT0 + 3 * S, "done", "{\"p\":3}"),
      row(RecordTable::agent_job_status, "j1", kRecordT0 + 1 * S, "queued", "{\"p\":1}"),  // late and older
      row(RecordTable::agent_job_status, "j3", kRecordT0 + 3 * S, "done", "{\"p\":3}"),    // a copy
      row(RecordTable::agent_state, "s2", kRecordT0 + 2 * S, {}, "{\"v\":2}"),
      row(RecordTable::agent_state, "s1", kRecordT0 + 1 * S, {}, "{\"v\":1}"),             // late
      row(RecordTable::agent_state_history, "s2", kRecordT0 + 2 * S, {}, "{\"v\":2}"),
      row(RecordTable::agent_state_history, "s1", kRecordT0 + 1 * S, {}, "{\"v\":1}"),
      row(RecordTable::actions, "act1", kRecordT0),
      row(RecordTable::actions, "act1", kRecordT0 + S),                                    // redelivered
      row(RecordTable::events, "e1", kRecordT0, "high"),
      row(RecordTable::events, "e1", kRecordT0, "high"),
      row(RecordTable::job_requests, "r1", kRecordT0),
      row(RecordTable::logs, "l1", kRecordT0),
  };
}

struct SqliteRecords : ::testing::Test {
  void SetUp() override {
    path = std::filesystem::temp_directory_path() / ("record_sql_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path);
    auto opened = open_sqlite(path.string(), true);
    ASSERT_TRUE(opened);
    db = std::move(*opened);
    for (int i = 0; i < 2; ++i)  // idempotent
      for (const auto& sql : sqlite_record_schema_sql()) ASSERT_TRUE(sqlite_exec(db.get(), sql)) << sql;
  }
  void TearDown() override {
    db.reset();
    std::filesystem::remove(path);
  }
  std::string text(const std::string& sql) {
    auto st = sqlite_prepare(db.get(), sql);
    EXPECT_TRUE(st) << sql;
    if (!st || sqlite3_step(st->get()) != SQLITE_ROW) return "none";
    auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st->get(), 0));
    return t ? t : "NULL";
  }
  std::filesystem::path path;
  SqliteDb db;
};

TEST_F(SqliteRecords, CopiesOnceNewerWinsInAnyOrder) {
  auto stats = write_records_sqlite(db.get(), record_history());
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->written, 9u);
  EXPECT_EQ(stats->unchanged, 5u);
  EXPECT_EQ(text("SELECT status || '|' || msg_id || '|' || payload FROM agent_job_status"), "done|j3|{\"p\":3}");
  EXPECT_EQ(text("SELECT state || '|' || time FROM agent_state"), "{\"v\":2}|2024-03-19T10:40:02.000000Z");
  EXPECT_EQ(text("SELECT count(*) FROM agent_state_history"), "2");
  EXPECT_EQ(text("SELECT count(*) || '|' || min(time) FROM actions"), "1|2024-03-19T10:40:00.000000Z");
  EXPECT_EQ(text("SELECT type || '|' || severity || '|' || tenant FROM events"), "anomaly|high|acme");
  EXPECT_EQ(text("SELECT count(*) FROM job_requests"), "1");
  EXPECT_EQ(text("SELECT message FROM logs"), "line");
  // The same again, in another batch: nothing changes.
  auto again = write_records_sqlite(db.get(), record_history());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->written, 0u);
}

TEST_F(SqliteRecords, AMissingRequiredColumnIsRefused) {
  RecordRow r = row(RecordTable::events, "e9", kRecordT0);
  r.name.clear();  // events.type is NOT NULL
  auto stats = write_records_sqlite(db.get(), {r});
  ASSERT_FALSE(stats);
  EXPECT_EQ(stats.error().reason, "db_rejected");
}

TEST(PgRecordSchema, HypertablesOnlyWithTimescaleAndNeverActions) {
  auto plain = pg_record_schema_sql("plant", false);
  for (const auto& sql : plain) EXPECT_EQ(sql.find("create_hypertable"), std::string::npos) << sql;
  auto timescale = pg_record_schema_sql("plant", true);
  int hypertables = 0;
  for (const auto& sql : timescale) {
    if (sql.find("create_hypertable") == std::string::npos) continue;
    ++hypertables;
    EXPECT_EQ(sql.find("actions"), std::string::npos) << sql;
  }
  EXPECT_EQ(hypertables, 4);  // events, logs, job_requests, agent_state_history
  bool keyed_with_time = false;
  for (const auto& sql : timescale)
    keyed_with_time = keyed_with_time || (sql.find("\"plant\".\"events\" (") != std::string::npos &&
                                              sql.find("PRIMARY KEY (msg_id, time)") != std::string::npos);
  EXPECT_TRUE(keyed_with_time);
}

class PgRecords : public testing::PostgresServerTest {};

TEST_F(PgRecords, SameRowsAsSqliteAcrossReingestAndReordering) {
  pqxx::connection c(url_);
  {
    pqxx::work tx(c);
    tx.exec("CREATE SCHEMA plant");
    for (int i = 0; i < 2; ++i)
      for (const auto& sql : pg_record_schema_sql("plant", false)) tx.exec(sql);
    tx.commit();
  }
  for (int pass = 0; pass < 2; ++pass) {
    pqxx::work tx(c);
    auto h = record_history();
    if (pass == 1) std::reverse(h.begin(), h.end());
    RecordWriteStats s = write_records_pg(tx, "plant", h);
    EXPECT_EQ(s.written, pass == 0 ? 9u : 0u);
    tx.commit();
  }
  pqxx::work tx(c);
  EXPECT_EQ(tx.exec1("SELECT status || '|' || msg_id || '|' || (payload->>'p') FROM plant.agent_job_status")[0].as<std::string>(),
            "done|j3|3");
  EXPECT_EQ(tx.exec1("SELECT state->>'v' FROM plant.agent_state")[0].as<std::string>(), "2");
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM plant.actions")[0].as<int>(), 1);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM plant.agent_state_history")[0].as<int>(), 2);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM plant.events")[0].as<int>(), 1);
}

}  // namespace
}  // namespace iot::store
