// What iot-ingest creates in InfluxDB 1.x (iot-ingest(1), "InfluxDB"), as
// InfluxQL: pure code, unit-tested without a server.
//
// A table's retention is a retention policy named after its duration
// ("rp_30d"; "forever" without one), the default table's is the database's
// default; each rollup is a continuous query into
// "RP"."TABLE_<period>" with one SELECT aggregate(*) per aggregate the
// registry asks for, grouped by the period and every tag.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "registry/table_plan.hpp"

namespace iot::store {

// influxdb://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE (port 8086 by default).
struct InfluxTarget {
  std::string host;
  int port = 8086;
  std::string database;
  std::string user;
  std::optional<std::string> password;  // percent-decoded; never logged
  std::string base_url() const;          // http://HOST:PORT
  std::string describe() const;          // influxdb://HOST:PORT/DATABASE, without credentials
};
Result<InfluxTarget> parse_influx_url(std::string_view url);

// A name in double quotes, for InfluxQL ("a\"b").
std::string influxql_quote(std::string_view name);

struct RetentionPolicy {
  std::string name;
  std::optional<std::chrono::seconds> duration;  // none: kept for ever
  bool operator==(const RetentionPolicy&) const = default;
};
// InfluxDB keeps a policy at least an hour; shorter retentions are refused.
Result<RetentionPolicy> retention_policy(std::optional<std::chrono::seconds> retention);

struct ContinuousQuery {
  std::string name;       // cq_TABLE_<period>
  std::string create;     // the CREATE CONTINUOUS QUERY statement
};
// The continuous queries of one table (measurement) stored under raw_rp.
std::vector<ContinuousQuery> continuous_queries(const std::string& database, const std::string& table,
                                                const std::string& raw_rp, const registry::TablePlan& plan);
// Every retention policy one table needs: raw first, then its rollups'.
Result<std::vector<RetentionPolicy>> retention_policies(const registry::TablePlan& plan);

// "CREATE RETENTION POLICY ..." (or ALTER when `alter`).
std::string retention_statement(const std::string& database, const RetentionPolicy& rp, bool make_default, bool alter);

// A Go duration as SHOW RETENTION POLICIES prints it ("720h0m0s"; "0s" is
// for ever) in seconds; nullopt when it cannot be read.
std::optional<std::chrono::seconds> parse_go_duration(std::string_view text);

}  // namespace iot::store
