#include "store/influx2_sink.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cctype>

#include "codec/percent.hpp"
#include "codec/zlib.hpp"
#include "core/port_number.hpp"
#include "store/line_protocol.hpp"

namespace iot::store {
namespace {

Error bad_influx2_url(const std::string& why) {
  return make_error(ErrorKind::usage, "bad_url", "InfluxDB 2 URL: " + why + " (want influxdb2://host[:port]/org/bucket)");
}

// InfluxDB 2's own words ({"code":"invalid","message":"..."}), else the body.
std::string influx2_reason(const std::string& body) {
  simdjson::dom::parser parser;
  std::string_view message;
  if (!parser.parse(body).at_key("message").get_string().get(message)) return std::string(message);
  return body.substr(0, 500);
}

}  // namespace

std::string Influx2Target::write_url() const {
  return fmt::format("http://{}:{}/api/v2/write?org={}&bucket={}&precision=ns", host, port, codec::percent_encode(org),
                     codec::percent_encode(bucket));
}

std::string Influx2Target::describe() const { return fmt::format("influxdb2://{}:{}/{}/{}", host, port, org, bucket); }

Result<Influx2Target> parse_influx2_url(std::string_view url) {
  constexpr std::string_view scheme = "influxdb2://";
  if (url.substr(0, scheme.size()) != scheme) return bad_influx2_url("not influxdb2://");
  std::string_view rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return bad_influx2_url("no org and bucket");
  std::string_view authority = rest.substr(0, slash), path = rest.substr(slash + 1);
  if (authority.find('@') != std::string_view::npos) return bad_influx2_url("no user in the URL: the token comes from --token-file");
  Influx2Target t;
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    auto p = parse_port(authority.substr(colon + 1));
    if (!p) return bad_influx2_url("bad port");
    t.port = *p;
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return bad_influx2_url("no host");
  t.host = std::string(authority);
  auto second = path.find('/');
  if (second == std::string_view::npos) return bad_influx2_url("no bucket");
  auto org = codec::percent_decode(path.substr(0, second));
  auto bucket = codec::percent_decode(path.substr(second + 1));
  if (!org || !bucket) return bad_influx2_url("bad %-escape");
  if (org->empty()) return bad_influx2_url("no org");
  if (bucket->empty() || path.substr(second + 1).find('/') != std::string_view::npos)
    return bad_influx2_url("no bucket, or a / in it (write %2F)");
  t.org = std::move(*org);
  t.bucket = std::move(*bucket);
  return t;
}

Influx2Sink::Influx2Sink(Influx2Target target, SinkOptions options)
    : target_(std::move(target)), options_(std::move(options)), http_(HttpClient::Options{}) {}

Result<std::unique_ptr<Influx2Sink>> Influx2Sink::open(const std::string& url, const SinkOptions& options) {
  auto target = parse_influx2_url(url);
  if (!target) return target.error();
  if (options.token.empty())
    return make_error(ErrorKind::usage, "usage", "influxdb2:// needs an API token: --token-file FILE");
  for (char c : options.token)
    if (c == '\r' || c == '\n') return make_error(ErrorKind::usage, "usage", "--token-file: the token holds a line break");
  return std::unique_ptr<Influx2Sink>(new Influx2Sink(std::move(*target), options));
}

std::string Influx2Sink::setup_note() const {
  return fmt::format("InfluxDB 2: org {}, bucket {}; its retention and downsampling tasks are set in InfluxDB", target_.org,
                     target_.bucket);
}

Result<WriteStats> Influx2Sink::write(const Batch& batch) {
  // Gap events and waveform records have no place in InfluxDB (iot-ingest(1)).
  if (batch.readings.empty()) return WriteStats{};
  lines_.clear();
  for (const auto& row : batch.readings)
    if (auto st = encoder_.append(lines_, row, row.table.empty() ? options_.table : row.table); !st) return st.error();
  gzipped_ = codec::gzip_deflate(lines_, 1);
  auto response = http_.post(target_.write_url(), gzipped_,
                             {"Authorization: Token " + options_.token, "Content-Encoding: gzip",
                              "Content-Type: text/plain; charset=utf-8", "Accept: application/json"});
  if (!response) return response.error();
  const long status = response->status;
  if (status == 204 || status == 200) {
    WriteStats stats;
    stats.inserted = batch.readings.size();
    return stats;
  }
  std::string message = fmt::format("InfluxDB 2: HTTP {}: {}", status, influx2_reason(response->body));
  if (status == 401 || status == 403 || status == 404) return make_error(ErrorKind::usage, "db_auth", message);
  if (status == 400 || status == 413 || status == 422) return make_error(ErrorKind::bad_input, "db_rejected", message);
  return make_error(ErrorKind::unavailable, "db_unavailable", message);
}

}  // namespace iot::store
