#include "store/influx_schema.hpp"

#include <gtest/gtest.h>

namespace iot::store {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

TEST(InfluxSchema, ParsesUrls) {
  struct Case {
    const char* url;
    const char* host;
    int port;
    const char* db;
    const char* user;
    std::optional<std::string> password;
  };
  const std::vector<Case> cases = {
      {"influxdb://127.0.0.1:8087/telemetry", "127.0.0.1", 8087, "telemetry", "", std::nullopt},
      {"influxdb://db.example/t-1.x", "db.example", 8086, "t-1.x", "", std::nullopt},
      {"influxdb://ingest@h:1/d", "h", 1, "d", "ingest", std::nullopt},
      {"influxdb://ingest:p%40ss%3Aw@h:9/d", "h", 9, "d", "ingest", "p@ss:w"},
  };
  for (const auto& c : cases) {
    auto t = parse_influx_url(c.url);
    ASSERT_TRUE(t) << c.url << ": " << t.error().message;
    EXPECT_EQ(t->host, c.host) << c.url;
    EXPECT_EQ(t->port, c.port) << c.url;
    EXPECT_EQ(t->database, c.db) << c.url;
    EXPECT_EQ(t->user, c.user) << c.url;
    EXPECT_EQ(t->password, c.password) << c.url;
    EXPECT_EQ(t->describe().find('@'), std::string::npos) << "no credentials in " << t->describe();
  }
  for (const char* bad : {"influxdb://h:1", "influxdb://h:1/", "influxdb://:1/d", "influxdb://h:x/d",
                          "influxdb://h:70000/d", "influxdb://h/a\"b", "influxdb://h/a;b", "influxdb://u:%zz@h/d",
                          "http://h/d"}) {
    auto t = parse_influx_url(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().kind, ErrorKind::usage) << bad;
  }
}

TEST(InfluxSchema, RetentionPolicies) {
  registry::TablePlan plan;
  plan.retention = hours(24);
  registry::Rollup five{seconds(300), {"mean", "max"}, hours(24 * 30)};
  registry::Rollup hour{seconds(3600), {"mean"}, std::nullopt};
  registry::Rollup again{seconds(900), {"min"}, hours(24 * 30)};
  plan.rollups = {five, hour, again};
  auto rps = retention_policies(plan);
  ASSERT_TRUE(rps);
  const std::vector<RetentionPolicy> want = {
      {"rp_1d", hours(24)}, {"rp_30d", hours(24 * 30)}, {"forever", std::nullopt}};
  EXPECT_EQ(*rps, want);
  EXPECT_EQ(retention_statement("tel", want[0], true, false),
            R"(CREATE RETENTION POLICY "rp_1d" ON "tel" DURATION 1d REPLICATION 1 DEFAULT)");
  EXPECT_EQ(retention_statement("tel", want[2], false, true),
            R"(ALTER RETENTION POLICY "forever" ON "tel" DURATION INF REPLICATION 1)");
  EXPECT_EQ(retention_policy(seconds(5400))->name, "rp_90m");
  auto short_one = retention_policy(seconds(600));
  ASSERT_FALSE(short_one);
  EXPECT_EQ(short_one.error().kind, ErrorKind::usage);
}

TEST(InfluxSchema, ContinuousQueries) {
  registry::TablePlan plan;
  plan.rollups = {{seconds(300), {"mean", "max"}, hours(24 * 30)}, {seconds(90), {"count"}, std::nullopt}};
  auto cqs = continuous_queries("tel", "sensor_readings", "rp_1d", plan);
  ASSERT_EQ(cqs.size(), 2u);
  EXPECT_EQ(cqs[0].name, "cq_sensor_readings_5m");
  EXPECT_EQ(cqs[0].create,
            R"(CREATE CONTINUOUS QUERY "cq_sensor_readings_5m" ON "tel" BEGIN SELECT mean(*), max(*) INTO )"
            R"("tel"."rp_30d"."sensor_readings_5m" FROM "tel"."rp_1d"."sensor_readings" GROUP BY time(5m), * END)");
  EXPECT_EQ(cqs[1].create,
            R"(CREATE CONTINUOUS QUERY "cq_sensor_readings_90s" ON "tel" BEGIN SELECT count(*) INTO )"
            R"("tel"."forever"."sensor_readings_90s" FROM "tel"."rp_1d"."sensor_readings" GROUP BY time(90s), * END)");
}

TEST(InfluxSchema, GoDurationsAndQuoting) {
  EXPECT_EQ(parse_go_duration("720h0m0s"), hours(720));
  EXPECT_EQ(parse_go_duration("1h30m0s"), seconds(5400));
  EXPECT_EQ(parse_go_duration("0s"), seconds(0));
  EXPECT_EQ(parse_go_duration(""), std::nullopt);
  EXPECT_EQ(parse_go_duration("3x"), std::nullopt);
  EXPECT_EQ(influxql_quote("a\"b\\c"), R"("a\"b\\c")");
}

}  // namespace
}  // namespace iot::store
