// The TimescaleDB statements are checked as text: no TimescaleDB server runs here.
#include "store/schema_sql.hpp"

#include <gtest/gtest.h>

namespace iot::store {
namespace {

std::string joined(const std::vector<std::string>& sql) {
  std::string all;
  for (const auto& s : sql) all += s + ";\n";
  return all;
}

}  // namespace

TEST(SchemaSql, BaseTablesFollowTheDataModel) {
  auto all = joined(pg_base_schema_sql({"iot", "readings"}));
  EXPECT_NE(all.find("CREATE SCHEMA IF NOT EXISTS \"iot\""), std::string::npos);
  EXPECT_NE(all.find("CREATE TABLE IF NOT EXISTS \"iot\".\"readings\" (time timestamptz NOT NULL, device_id text NOT "
                     "NULL, metric text NOT NULL, value double precision, quality smallint NOT NULL DEFAULT 192"),
            std::string::npos);
  EXPECT_NE(all.find("PRIMARY KEY (device_id, metric, time)"), std::string::npos);
  EXPECT_NE(all.find("\"iot\".\"gaps\" (device_id text NOT NULL, from_seq bigint NOT NULL, to_seq bigint NOT NULL, "
                     "detected_at timestamptz NOT NULL DEFAULT now(), filled_at timestamptz"),
            std::string::npos);
  EXPECT_NE(all.find("\"iot\".\"waveforms\" (upload_id text PRIMARY KEY"), std::string::npos);
  EXPECT_EQ(pg_base_schema_sql({"", "readings"}).front().find("SCHEMA"), std::string::npos);
}

TEST(SchemaSql, TimescaleHypertableCompressionRetentionAggregates) {
  auto sql = pg_timescale_sql({"", "readings"}, TablePlan{std::chrono::seconds(730 * 86400), registry::default_rollups()});
  auto all = joined(sql);
  EXPECT_NE(all.find("SELECT create_hypertable('\"readings\"', 'time', chunk_time_interval => INTERVAL '1 day', "
                     "if_not_exists => TRUE"),
            std::string::npos);
  EXPECT_NE(all.find("timescaledb.compress_segmentby = 'device_id, metric'"), std::string::npos);
  EXPECT_NE(all.find("add_compression_policy('\"readings\"', INTERVAL '7 days', if_not_exists => TRUE)"),
            std::string::npos);
  EXPECT_NE(all.find("add_retention_policy('\"readings\"', INTERVAL '63072000 seconds', if_not_exists => TRUE)"),
            std::string::npos);
  for (const char* view : {"readings_1m", "readings_1h", "readings_1d"}) {
    EXPECT_NE(all.find(std::string("CREATE MATERIALIZED VIEW IF NOT EXISTS \"") + view +
                       "\" WITH (timescaledb.continuous)"),
              std::string::npos)
        << view;
    EXPECT_NE(all.find(std::string("add_continuous_aggregate_policy('\"") + view + "\"'"), std::string::npos);
  }
  EXPECT_NE(all.find("time_bucket(INTERVAL '3600 seconds', time)"), std::string::npos);
  EXPECT_NE(all.find("avg(value) AS mean, min(value) AS min, max(value) AS max, sum(value) AS sum, count(*) AS count"),
            std::string::npos);
}

TEST(SchemaSql, TimescaleWithoutRetentionOrRollups) {
  auto all = joined(pg_timescale_sql({"s", "t"}, TablePlan{}));
  EXPECT_EQ(all.find("add_retention_policy"), std::string::npos);
  EXPECT_EQ(all.find("MATERIALIZED VIEW"), std::string::npos);
  EXPECT_NE(all.find("create_hypertable('\"s\".\"t\"'"), std::string::npos);
}

TEST(SchemaSql, PlainPostgresBrinAndViews) {
  TablePlan plan{std::nullopt, registry::default_rollups()};
  auto all = joined(pg_plain_extras_sql({"", "readings"}, plan));
  EXPECT_NE(all.find("USING brin (time)"), std::string::npos);
  EXPECT_NE(all.find("CREATE MATERIALIZED VIEW IF NOT EXISTS \"readings_1d\" AS SELECT date_bin(INTERVAL '86400 "
                     "seconds', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket"),
            std::string::npos);
  EXPECT_EQ(all.find("timescaledb"), std::string::npos);
  auto refresh = pg_refresh_rollups_sql({"", "readings"}, plan);
  ASSERT_EQ(refresh.size(), 3u);
  EXPECT_EQ(refresh[0], "REFRESH MATERIALIZED VIEW \"readings_1m\"");
}

// A registry route's [route.rollup] and retention: one rollup of its own
// period and aggregates, with a retention of its own, and raw retention.
TEST(SchemaSql, RegistryPlanDrivesRollupsAndRetention) {
  TablePlan plan{std::chrono::seconds(30 * 86400), {Rollup{std::chrono::seconds(900), {"mean", "max"}, std::chrono::seconds(365 * 86400)}}};
  auto ts = joined(pg_timescale_sql({"", "sensor_readings"}, plan));
  EXPECT_NE(ts.find("add_retention_policy('\"sensor_readings\"', INTERVAL '2592000 seconds'"), std::string::npos);
  EXPECT_NE(ts.find("CREATE MATERIALIZED VIEW IF NOT EXISTS \"sensor_readings_15m\" WITH (timescaledb.continuous) "
                    "AS SELECT time_bucket(INTERVAL '900 seconds', time) AS bucket, device_id, metric, avg(value) AS "
                    "mean, max(value) AS max FROM"),
            std::string::npos)
      << ts;
  EXPECT_NE(ts.find("add_retention_policy('\"sensor_readings_15m\"', INTERVAL '31536000 seconds'"), std::string::npos);
  EXPECT_EQ(ts.find("sensor_readings_1h"), std::string::npos);
  EXPECT_EQ(ts.find("min(value)"), std::string::npos);

  auto refresh = pg_refresh_rollups_sql({"", "sensor_readings"}, plan);
  ASSERT_EQ(refresh.size(), 2u);
  EXPECT_EQ(refresh[0], "DELETE FROM \"sensor_readings\" WHERE time < now() - INTERVAL '2592000 seconds'");

  auto lite = joined(sqlite_rollup_sql({"", "sensor_readings"}, plan));
  EXPECT_NE(lite.find("CREATE VIEW IF NOT EXISTS \"sensor_readings_15m\" AS SELECT strftime('%Y-%m-%dT%H:%M:%SZ', "
                      "(CAST(strftime('%s', time) AS INTEGER) / 900) * 900, 'unixepoch') AS bucket, device_id, metric, "
                      "avg(value) AS mean, max(value) AS max FROM \"sensor_readings\""),
            std::string::npos)
      << lite;
  EXPECT_EQ(joined(sqlite_retention_sql({"", "t"}, plan)),
            "DELETE FROM \"t\" WHERE time < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-2592000 seconds');\n");
  EXPECT_TRUE(sqlite_retention_sql({"", "t"}, TablePlan{}).empty());
}

TEST(SchemaSql, SqliteTables) {
  auto all = joined(sqlite_schema_sql({"", "readings"}));
  EXPECT_NE(all.find("PRIMARY KEY (time, device_id, metric)) WITHOUT ROWID"), std::string::npos);
  EXPECT_EQ(all.find("CREATE INDEX"), std::string::npos);  // appends only: see schema_sql.cpp
  EXPECT_NE(all.find("CREATE TABLE IF NOT EXISTS gaps"), std::string::npos);
  EXPECT_NE(all.find("CREATE TABLE IF NOT EXISTS waveforms"), std::string::npos);
}

}  // namespace iot::store

namespace iot::store {

// median: percentile_cont on PostgreSQL; on TimescaleDB a plain
// materialized view (a continuous aggregate cannot hold it) refreshed like
// plain PostgreSQL's, while the other rollups stay continuous aggregates;
// on SQLite a window over the bucket's values.
TEST(SchemaSql, MedianPerEngine) {
  registry::Rollup with_median{std::chrono::seconds(900), {"mean", "median"}, std::nullopt};
  registry::Rollup plain{std::chrono::seconds(3600), {"max"}, std::nullopt};
  TablePlan plan{std::nullopt, {with_median, plain}};
  const SchemaNames names{"", "lab"};

  auto pg = joined(pg_plain_extras_sql(names, plan));
  EXPECT_NE(pg.find("avg(value) AS mean, percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS median"),
            std::string::npos) << pg;

  auto ts = joined(pg_timescale_sql(names, plan));
  EXPECT_NE(ts.find("CREATE MATERIALIZED VIEW IF NOT EXISTS \"lab_15m\" AS SELECT time_bucket(INTERVAL '900 seconds', "
                    "time) AS bucket, device_id, metric, avg(value) AS mean, percentile_cont(0.5)"),
            std::string::npos) << ts;
  EXPECT_EQ(ts.find("\"lab_15m\" WITH (timescaledb.continuous)"), std::string::npos) << ts;
  EXPECT_EQ(ts.find("add_continuous_aggregate_policy('\"lab_15m\"'"), std::string::npos) << ts;
  EXPECT_NE(ts.find("\"lab_1h\" WITH (timescaledb.continuous)"), std::string::npos) << ts;
  auto refresh = pg_timescale_refresh_sql(names, plan);
  ASSERT_EQ(refresh.size(), 2u);
  EXPECT_EQ(refresh[0], "REFRESH MATERIALIZED VIEW \"lab_15m\"");
  EXPECT_EQ(refresh[1], "CALL refresh_continuous_aggregate('\"lab_1h\"', NULL, NULL)");

  auto lite = sqlite_rollup_sql(names, plan);
  ASSERT_EQ(lite.size(), 2u);
  EXPECT_NE(lite[0].find("row_number() OVER (PARTITION BY device_id, metric, CAST(strftime('%s', time) AS INTEGER) / "
                         "900 ORDER BY value IS NULL, value)"),
            std::string::npos) << lite[0];
  EXPECT_NE(lite[0].find("AS median"), std::string::npos);
  EXPECT_EQ(lite[1].find("row_number"), std::string::npos) << "a rollup without median keeps the plain view";
}

// --tag-sets: the names follow the readings table's, PostgreSQL adds the
// column itself and keys the sets by a digest (wide sets fit a btree).
TEST(SchemaSql, TagSetTablesAndViewsFollowTheReadingsTable) {
  EXPECT_EQ(tag_sets_table("kpi"), "kpi_tag_sets");
  EXPECT_EQ(tagged_view("kpi"), "kpi_tagged");
  const auto pg = joined(pg_tag_set_sql({"iot", "kpi"}));
  EXPECT_NE(pg.find("ALTER TABLE \"iot\".\"kpi\" ADD COLUMN tag_set bigint;"), std::string::npos);
  EXPECT_NE(pg.find("to_regclass('\"iot\".\"kpi_tag_sets_key\"') IS NULL THEN CREATE UNIQUE INDEX \"kpi_tag_sets_key\" ON "
                    "\"iot\".\"kpi_tag_sets\" (md5(tags::text))"),
            std::string::npos);
  EXPECT_NE(pg.find("CREATE VIEW \"iot\".\"kpi_tagged\" AS SELECT"), std::string::npos);
  EXPECT_NE(pg.find("coalesce(s.tags, r.tags) AS tags"), std::string::npos);
  // The order a writer takes them in (tag sets, then readings), and the view after the column it reads.
  EXPECT_LT(pg.find("CREATE TABLE IF NOT EXISTS \"iot\".\"kpi_tag_sets\""), pg.find("CREATE UNIQUE INDEX"));
  EXPECT_LT(pg.find("CREATE UNIQUE INDEX"), pg.find("ADD COLUMN"));
  EXPECT_LT(pg.find("ADD COLUMN"), pg.find("CREATE VIEW"));
  EXPECT_EQ(sqlite_tag_set_column_sql({"", "kpi"}), "ALTER TABLE \"kpi\" ADD COLUMN tag_set INTEGER");
  const auto lite = joined(sqlite_tag_set_sql({"", "kpi"}));
  EXPECT_NE(lite.find("\"kpi_tag_sets\" (id INTEGER PRIMARY KEY, tags TEXT NOT NULL UNIQUE)"), std::string::npos);
  EXPECT_NE(lite.find("LEFT JOIN \"kpi_tag_sets\" s ON s.id = r.tag_set"), std::string::npos);
}

}  // namespace iot::store
