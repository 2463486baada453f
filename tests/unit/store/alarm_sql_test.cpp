#include "store/alarm_sql.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "postgres_server.hpp"
#include "store/sqlite_handle.hpp"

namespace iot::store {
namespace {

AlarmRow alarm(std::string id, bool raise, std::int64_t ts, std::int64_t since, std::string device = "P-007") {
  AlarmRow a;
  a.msg_id = std::move(id);
  a.device_id = std::move(device);
  a.rule = "inlet-hot";
  a.check = "range";
  a.metric = "temp_inlet_c";
  a.raise = raise;
  a.value = raise ? std::optional<double>(97.2) : std::nullopt;
  a.since_ms = since;
  a.ts_ms = ts;
  a.detail = "97.2 above max 95";
  return a;
}

// 1710844800000 = 2024-03-19T10:40:00Z
constexpr std::int64_t T0 = 1710844800000;
std::vector<AlarmRow> history() {
  return {alarm("A1", true, T0, T0), alarm("A2", true, T0 + 1000, T0), alarm("A3", false, T0 + 5000, T0),
          alarm("B1", true, T0 + 9000, T0 + 9000, "P-008")};
}

struct SqliteAlarms : ::testing::Test {
  void SetUp() override {
    path = std::filesystem::temp_directory_path() / ("alarm_sql_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path);
    auto opened = open_sqlite(path.string(), true);
    ASSERT_TRUE(opened);
    db = std::move(*opened);
    for (const auto& sql : sqlite_alarm_schema_sql()) ASSERT_TRUE(sqlite_exec(db.get(), sql));
    for (const auto& sql : sqlite_alarm_schema_sql()) ASSERT_TRUE(sqlite_exec(db.get(), sql));  // idempotent
  }
  void TearDown() override {
    db.reset();
    std::filesystem::remove(path);
  }
  std::string state_of(const std::string& device) {
    auto st = sqlite_prepare(db.get(),
                             "SELECT active, first_seen, last_seen, raises, coalesce(cleared_at, 'NULL') FROM alarm_state"
                             " WHERE device_id = ?");
    EXPECT_TRUE(st);
    sqlite3_bind_text(st->get(), 1, device.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st->get()) != SQLITE_ROW) return "none";
    std::string out;
    for (int i = 0; i < 5; ++i) {
      auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st->get(), i));
      out += std::string(t ? t : "") + (i < 4 ? "|" : "");
    }
    return out;
  }
  std::int64_t count(const std::string& sql) {
    auto st = sqlite_prepare(db.get(), sql);
    EXPECT_TRUE(st);
    EXPECT_EQ(sqlite3_step(st->get()), SQLITE_ROW);
    return sqlite3_column_int64(st->get(), 0);
  }
  std::filesystem::path path;
  SqliteDb db;
};

TEST_F(SqliteAlarms, StoresEachAlarmOnceAndFoldsTheState) {
  auto stats = write_alarms_sqlite(db.get(), history());
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->inserted, 4u);
  EXPECT_EQ(stats->duplicates, 0u);
  EXPECT_EQ(count("SELECT count(*) FROM alarms"), 4);
  EXPECT_EQ(state_of("P-007"), "0|2024-03-19T10:40:00.000000Z|2024-03-19T10:40:01.000000Z|2|2024-03-19T10:40:05.000000Z");
  EXPECT_EQ(state_of("P-008"), "1|2024-03-19T10:40:09.000000Z|2024-03-19T10:40:09.000000Z|1|NULL");
  // Again: nothing changes, every row is a duplicate.
  stats = write_alarms_sqlite(db.get(), history());
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->inserted, 0u);
  EXPECT_EQ(stats->duplicates, 4u);
  EXPECT_EQ(count("SELECT count(*) FROM alarms"), 4);
  EXPECT_EQ(count("SELECT sum(raises) FROM alarm_state"), 3);
}

TEST_F(SqliteAlarms, ALateOlderRaiseInALaterBatchDoesNotReopen) {
  auto h = history();
  ASSERT_TRUE(write_alarms_sqlite(db.get(), {h[0], h[2]}));  // raise, clear
  ASSERT_TRUE(write_alarms_sqlite(db.get(), {h[1]}));        // the raise in between, late
  EXPECT_EQ(state_of("P-007"), "0|2024-03-19T10:40:00.000000Z|2024-03-19T10:40:01.000000Z|2|2024-03-19T10:40:05.000000Z");
  EXPECT_EQ(count("SELECT count(*) FROM alarms WHERE state = 'clear' AND value IS NULL"), 1);
}

class PgAlarms : public testing::PostgresServerTest {};

TEST_F(PgAlarms, SameRowsAndStateAsSqliteAcrossReingestAndReordering) {
  pqxx::connection conn(url_);
  {
    pqxx::work tx(conn);
    tx.exec("CREATE SCHEMA IF NOT EXISTS plant");
    for (const auto& sql : pg_alarm_schema_sql("plant")) tx.exec(sql);
    for (const auto& sql : pg_alarm_schema_sql("plant")) tx.exec(sql);
    tx.commit();
  }
  auto h = history();
  std::reverse(h.begin(), h.end());
  for (int round = 0; round < 2; ++round) {
    pqxx::work tx(conn);
    AlarmWriteStats s = write_alarms_pg(tx, "plant", h);
    tx.commit();
    EXPECT_EQ(s.inserted, round == 0 ? 4u : 0u);
    EXPECT_EQ(s.duplicates, round == 0 ? 0u : 4u);
  }
  pqxx::work tx(conn);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM plant.alarms")[0].as<int>(), 4);
  auto row = tx.exec1(
      "SELECT active, (extract(epoch FROM first_seen) * 1000)::bigint, (extract(epoch FROM last_seen) * 1000)::bigint,"
      " raises, (extract(epoch FROM cleared_at) * 1000)::bigint FROM plant.alarm_state WHERE device_id = 'P-007'");
  EXPECT_FALSE(row[0].as<bool>());
  EXPECT_EQ(row[1].as<std::int64_t>(), T0);
  EXPECT_EQ(row[2].as<std::int64_t>(), T0 + 1000);
  EXPECT_EQ(row[3].as<int>(), 2);
  EXPECT_EQ(row[4].as<std::int64_t>(), T0 + 5000);
  EXPECT_TRUE(tx.exec1("SELECT active FROM plant.alarm_state WHERE device_id = 'P-008'")[0].as<bool>());
}

}  // namespace
}  // namespace iot::store
