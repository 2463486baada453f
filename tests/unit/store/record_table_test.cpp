// The record tables' descriptions (common/store/record_table.cpp): every
// table is found by its name, its key columns exist, and a row's values
// come out in column order with empty members as NULL.
#include "store/record_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace iot::store {
namespace {

TEST(RecordTable, EveryTableByNameWithItsKeyAmongItsColumns) {
  EXPECT_EQ(record_tables().size(), 7u);
  for (const auto& spec : record_tables()) {
    SCOPED_TRACE(std::string(spec.name));
    EXPECT_EQ(record_table_named(spec.name), spec.id);
    EXPECT_EQ(&record_table(spec.id), &spec);
    auto has = [&](std::string_view name) {
      return std::any_of(spec.columns.begin(), spec.columns.end(), [&](const RecordColumn& c) { return c.name == name; });
    };
    for (auto k : spec.key) EXPECT_TRUE(has(k)) << k;
    EXPECT_TRUE(has("msg_id"));  // the newer-wins order and the copies' key both need it
    EXPECT_TRUE(has(spec.time_column));
  }
  EXPECT_FALSE(record_table_named("readings"));
}

TEST(RecordTable, ActionsAreNoHypertableAndStateIsNewerWins) {
  EXPECT_FALSE(record_table(RecordTable::actions).time_series);
  EXPECT_EQ(record_table(RecordTable::actions).key.size(), 1u);
  EXPECT_TRUE(record_table(RecordTable::events).time_series);
  EXPECT_TRUE(record_table(RecordTable::agent_state).newer_wins);
  EXPECT_TRUE(record_table(RecordTable::agent_job_status).newer_wins);
  EXPECT_EQ(record_table(RecordTable::agent_job_status).time_column, "updated_at");
  EXPECT_FALSE(record_table(RecordTable::agent_state_history).newer_wins);
}

TEST(RecordTable, ValuesInColumnOrderEmptyAsNull) {
  RecordRow r;
  r.table = RecordTable::agent_job_status;
  r.time_ns = 1710844800123456000;  // 2024-03-19T10:40:00.123456Z
  r.msg_id = "m1";
  r.device_id = "a1";
  r.name = "J-42";
  r.label = "done";
  r.number = 100;
  auto v = record_values(r);
  // device_id, job_id, tenant, status, progress, payload, updated_at, msg_id
  ASSERT_EQ(v.size(), 8u);
  EXPECT_EQ(v[0], "a1");
  EXPECT_EQ(v[1], "J-42");
  EXPECT_FALSE(v[2]);
  EXPECT_EQ(v[3], "done");
  EXPECT_EQ(v[4], "100");
  EXPECT_FALSE(v[5]);
  EXPECT_EQ(v[6], "2024-03-19T10:40:00.123456Z");
  EXPECT_EQ(v[7], "m1");
}

}  // namespace
}  // namespace iot::store
