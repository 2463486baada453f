#include "store/influx_schema.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

#include "codec/percent.hpp"
#include "core/port_number.hpp"

namespace iot::store {
namespace {

Error bad_influx_url(const std::string& why) {
  return make_error(ErrorKind::usage, "bad_url", "InfluxDB URL: " + why + " (want influxdb://[user[:password]@]host[:port]/database)");
}

// The period in its largest whole unit, as InfluxQL durations are written.
std::string period_text(std::chrono::seconds s) {
  auto n = s.count();
  if (n % 86400 == 0) return fmt::format("{}d", n / 86400);
  if (n % 3600 == 0) return fmt::format("{}h", n / 3600);
  if (n % 60 == 0) return fmt::format("{}m", n / 60);
  return fmt::format("{}s", n);
}

}  // namespace

std::string InfluxTarget::base_url() const { return fmt::format("http://{}:{}", host, port); }
std::string InfluxTarget::describe() const { return fmt::format("influxdb://{}:{}/{}", host, port, database); }

Result<InfluxTarget> parse_influx_url(std::string_view url) {
  constexpr std::string_view scheme = "influxdb://";
  if (url.substr(0, scheme.size()) != scheme) return bad_influx_url("not influxdb://");
  std::string_view rest = url.substr(scheme.size());
  InfluxTarget t;
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return bad_influx_url("no database");
  std::string_view authority = rest.substr(0, slash);
  std::string_view database = rest.substr(slash + 1);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    auto user = codec::percent_decode(userinfo.substr(0, colon));
    if (!user) return bad_influx_url("bad %-escape in the user name");
    t.user = *user;
    if (colon != std::string_view::npos) {
      auto password = codec::percent_decode(userinfo.substr(colon + 1));
      if (!password) return bad_influx_url("bad %-escape in the password");
      t.password = *password;
    }
  }
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    auto p = parse_port(authority.substr(colon + 1));
    if (!p) return bad_influx_url("bad port");
    t.port = *p;
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return bad_influx_url("no host");
  t.host = std::string(authority);
  if (database.empty()) return bad_influx_url("no database");
  // A database name goes into URLs and InfluxQL: letters, digits, _ - . only.
  for (char c : database)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      return bad_influx_url(fmt::format("database name '{}': use letters, digits, _ - . only", database));
  t.database = std::string(database);
  return t;
}

std::string influxql_quote(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

Result<RetentionPolicy> retention_policy(std::optional<std::chrono::seconds> retention) {
  if (!retention) return RetentionPolicy{"forever", std::nullopt};
  if (*retention < std::chrono::hours(1))
    return make_error(ErrorKind::usage, "usage",
                      fmt::format("retention {}: InfluxDB keeps data at least 1h", period_text(*retention)));
  return RetentionPolicy{"rp_" + period_text(*retention), *retention};
}

Result<std::vector<RetentionPolicy>> retention_policies(const registry::TablePlan& plan) {
  std::vector<RetentionPolicy> out;
  auto add = [&](std::optional<std::chrono::seconds> retention) -> Status {
    auto rp = retention_policy(retention);
    if (!rp) return rp.error();
    for (const auto& known : out)
      if (known.name == rp->name) return ok_status();
    out.push_back(*rp);
    return ok_status();
  };
  if (auto st = add(plan.retention); !st) return st.error();
  for (const auto& r : plan.rollups)
    if (auto st = add(r.retention); !st) return st.error();
  return out;
}

std::vector<ContinuousQuery> continuous_queries(const std::string& database, const std::string& table,
                                                const std::string& raw_rp, const registry::TablePlan& plan) {
  std::vector<ContinuousQuery> out;
  for (const auto& r : plan.rollups) {
    auto rp = retention_policy(r.retention);
    if (!rp) continue;  // retention_policies() reported it
    std::string select;
    for (const auto& a : r.aggregates) select += (select.empty() ? "" : ", ") + a + "(*)";
    const std::string name = "cq_" + table + "_" + r.suffix();
    out.push_back({name, fmt::format("CREATE CONTINUOUS QUERY {} ON {} BEGIN SELECT {} INTO {}.{}.{} FROM {}.{}.{} "
                                     "GROUP BY time({}), * END",
                                     influxql_quote(name), influxql_quote(database), select,
                                     influxql_quote(database), influxql_quote(rp->name),
                                     influxql_quote(table + "_" + r.suffix()), influxql_quote(database),
                                     influxql_quote(raw_rp), influxql_quote(table), period_text(r.every))});
  }
  return out;
}

std::string retention_statement(const std::string& database, const RetentionPolicy& rp, bool make_default, bool alter) {
  std::string duration = rp.duration ? period_text(*rp.duration) : "INF";
  return fmt::format("{} RETENTION POLICY {} ON {} DURATION {} REPLICATION 1{}", alter ? "ALTER" : "CREATE",
                     influxql_quote(rp.name), influxql_quote(database), duration, make_default ? " DEFAULT" : "");
}

std::optional<std::chrono::seconds> parse_go_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
    if (j == i) return std::nullopt;
    double n = std::strtod(std::string(text.substr(i, j - i)).c_str(), nullptr);
    std::size_t k = j;
    while (k < text.size() && std::isalpha(static_cast<unsigned char>(text[k]))) ++k;
    std::string_view unit = text.substr(j, k - j);
    if (unit == "h") total += n * 3600;
    else if (unit == "m") total += n * 60;
    else if (unit == "s") total += n;
    else if (unit == "ms") total += n / 1e3;
    else if (unit == "us") total += n / 1e6;
    else if (unit == "ns") total += n / 1e9;
    else return std::nullopt;
    i = k;
  }
  return std::chrono::seconds(static_cast<std::int64_t>(total));
}

}  // namespace iot::store
