#include "store/influx_sink.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstdlib>

#include "codec/zlib.hpp"
#include "store/line_protocol.hpp"

namespace iot::store {
namespace {

// InfluxDB's own words from an error answer ({"error":"..."}), else the body.
std::string influx_reason(const std::string& body) {
  simdjson::dom::parser parser;
  std::string_view error;
  if (!parser.parse(body).at_key("error").get_string().get(error)) return std::string(error);
  return body.substr(0, 500);
}

Error http_status_error(long status, const std::string& body) {
  std::string message = fmt::format("InfluxDB: HTTP {}: {}", status, influx_reason(body));
  if (status == 401 || status == 403) return make_error(ErrorKind::usage, "db_auth", message);
  if (status == 400 || status == 413) return make_error(ErrorKind::bad_input, "db_rejected", message);
  return make_error(ErrorKind::unavailable, "db_unavailable", message);
}

}  // namespace

InfluxSink::InfluxSink(InfluxTarget target, SinkOptions options)
    : target_(std::move(target)), options_(std::move(options)), http_(HttpClient::Options{}) {
  if (!target_.user.empty()) http_.set_basic_auth(target_.user, target_.password.value_or(""));
}

Result<std::unique_ptr<InfluxSink>> InfluxSink::open(const std::string& url, const SinkOptions& options) {
  auto target = parse_influx_url(url);
  if (!target) return target.error();
  if (!target->user.empty() && !target->password) {
    if (const char* env = std::getenv("IOT_PASSWORD"); env && *env) target->password = std::string(env);
  }
  // Retentions InfluxDB cannot keep are a usage error now, not at first write.
  if (auto rps = retention_policies(options.plans.fallback); !rps) return rps.error();
  for (const auto& [table, plan] : options.plans.tables)
    if (auto rps = retention_policies(plan); !rps) return rps.error();
  return std::unique_ptr<InfluxSink>(new InfluxSink(std::move(*target), options));
}

Result<std::string> InfluxSink::query(const std::string& statement) {
  std::string form = "q=" + http_.form_escape(statement);
  auto response = http_.post(target_.base_url() + "/query", form,
                             {"Content-Type: application/x-www-form-urlencoded"});
  if (!response) return response.error();
  if (response->status != 200) return http_status_error(response->status, response->body);
  simdjson::dom::parser parser;
  simdjson::dom::array results;
  if (parser.parse(response->body).at_key("results").get_array().get(results))
    return make_error(ErrorKind::unavailable, "db_unavailable", "InfluxDB: an answer without results");
  for (auto r : results) {
    std::string_view error;
    if (!r.at_key("error").get_string().get(error))
      return make_error(ErrorKind::bad_input, "db_rejected", fmt::format("InfluxDB: {}: {}", statement, error));
  }
  return std::move(response->body);
}

// What the server holds already: its retention policies and continuous queries.
Status InfluxSink::load_existing() {
  auto rps = query("SHOW RETENTION POLICIES ON " + influxql_quote(target_.database));
  if (!rps) return rps.error();
  simdjson::dom::parser parser;
  policies_.clear();
  default_policy_.clear();
  simdjson::dom::array values;
  if (!parser.parse(*rps).at_key("results").at(0).at_key("series").at(0).at_key("values").get_array().get(values)) {
    for (auto row : values) {  // name, duration, shardGroupDuration, replicaN, default
      std::string_view name, duration;
      bool is_default = false;
      if (row.at(0).get_string().get(name) || row.at(1).get_string().get(duration)) continue;
      if (row.at(4).get_bool().get(is_default)) is_default = false;
      auto seconds = parse_go_duration(duration);
      policies_[std::string(name)] = seconds && seconds->count() > 0 ? seconds : std::nullopt;
      if (is_default) default_policy_ = std::string(name);
    }
  }
  auto cqs = query("SHOW CONTINUOUS QUERIES");
  if (!cqs) return cqs.error();
  queries_.clear();
  simdjson::dom::array series;
  if (!parser.parse(*cqs).at_key("results").at(0).at_key("series").get_array().get(series)) {
    for (auto s : series) {
      std::string_view db;
      if (s.at_key("name").get_string().get(db) || db != target_.database) continue;
      simdjson::dom::array rows;
      if (s.at_key("values").get_array().get(rows)) continue;
      for (auto row : rows) {
        std::string_view name;
        if (!row.at(0).get_string().get(name)) queries_.insert(std::string(name));
      }
    }
  }
  return ok_status();
}

// Creates a policy when missing, brings its duration in line when the
// registry changed it; the raw policy of the default table is the default.
Status InfluxSink::ensure_policy(const RetentionPolicy& rp, bool make_default) {
  auto known = policies_.find(rp.name);
  const bool exists = known != policies_.end();
  const bool same = exists && known->second == rp.duration && (!make_default || default_policy_ == rp.name);
  if (same) return ok_status();
  auto done = query(retention_statement(target_.database, rp, make_default, exists));
  if (!done) return done.error();
  policies_[rp.name] = rp.duration;
  if (make_default) default_policy_ = rp.name;
  return ok_status();
}

Status InfluxSink::ensure_table(const std::string& table) {
  const auto& plan = options_.plans.plan_for(table);
  auto rps = retention_policies(plan);
  if (!rps) return rps.error();
  const bool is_default_table = table == options_.table;
  for (std::size_t i = 0; i < rps->size(); ++i)
    if (auto st = ensure_policy((*rps)[i], i == 0 && is_default_table); !st) return st;
  const std::string& raw = rps->front().name;
  for (const auto& cq : continuous_queries(target_.database, table, raw, plan)) {
    if (queries_.count(cq.name)) continue;  // made by an earlier run: left as it is
    auto done = query(cq.create);
    if (!done) return done.error();
    queries_.insert(cq.name);
  }
  table_policy_[table] = raw;
  return ok_status();
}

Status InfluxSink::ensure_schema() {
  table_policy_.clear();
  auto created = query("CREATE DATABASE " + influxql_quote(target_.database));  // a no-op when it exists
  if (!created) return created.error();
  if (auto st = load_existing(); !st) return st;
  if (auto st = ensure_table(options_.table); !st) return st;
  for (const auto& [table, plan] : options_.plans.tables)
    if (auto st = ensure_table(table); !st) return st;
  schema_ready_ = true;
  note_ = fmt::format("InfluxDB: database {}, default retention policy {}, {} continuous queries", target_.database,
                      default_policy_, queries_.size());
  return ok_status();
}

Status InfluxSink::post_lines(const std::string& rp, const std::string& lines) {
  gzipped_ = codec::gzip_deflate(lines, 1);  // level 1: most of the saving for little CPU
  std::string url = fmt::format("{}/write?db={}&precision=ns&rp={}", target_.base_url(), target_.database,
                                http_.form_escape(rp));
  auto response = http_.post(url, gzipped_, {"Content-Encoding: gzip", "Content-Type: text/plain; charset=utf-8"});
  if (!response) return response.error();
  if (response->status == 204 || response->status == 200) return ok_status();
  if (response->status == 404) {  // the database was dropped under us: create it again, then retry
    schema_ready_ = false;
    return make_error(ErrorKind::unavailable, "db_unavailable",
                      fmt::format("InfluxDB: {}", influx_reason(response->body)));
  }
  return http_status_error(response->status, response->body);
}

Result<WriteStats> InfluxSink::write(const Batch& batch) {
  // Gap events and waveform records have no place in InfluxDB (iot-ingest(1)).
  if (batch.readings.empty()) return WriteStats{};
  if (!schema_ready_) {
    if (auto st = ensure_schema(); !st) return st.error();
  }
  for (auto& [rp, lines] : bodies_) lines.clear();
  for (const auto& row : batch.readings) {
    const std::string& table = row.table.empty() ? options_.table : row.table;
    auto rp = table_policy_.find(table);
    if (rp == table_policy_.end()) {
      if (auto st = ensure_table(table); !st) return st.error();
      rp = table_policy_.find(table);
    }
    if (auto st = encoder_.append(bodies_[rp->second], row, table); !st) return st.error();
  }
  for (const auto& [rp, lines] : bodies_)
    if (!lines.empty())
      if (auto st = post_lines(rp, lines); !st) return st.error();
  WriteStats stats;
  stats.inserted = batch.readings.size();
  return stats;
}

}  // namespace iot::store
