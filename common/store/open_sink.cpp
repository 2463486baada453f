#include "store/bigquery_files_sink.hpp"
#include "store/influx2_sink.hpp"
#include "store/influx_sink.hpp"
#include "store/line_file_sink.hpp"
#include "store/pg_sink.hpp"
#include "store/pubsub_sink.hpp"
#include "store/sink.hpp"
#include "store/sqlite_sink.hpp"

namespace iot::store {

Result<std::unique_ptr<Sink>> open_sink(const std::string& url, const SinkOptions& options) {
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // sqlite://FILE also accepted
    if (path.empty()) return make_error(ErrorKind::usage, "bad_url", "sqlite: needs a file name (sqlite:FILE)");
    auto sink = SqliteSink::open(path, options);
    if (!sink) return sink.error();
    return std::unique_ptr<Sink>(std::move(*sink));
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0 || url.rfind("postgresql:", 0) == 0) {
    std::string conninfo = url.rfind("postgresql:", 0) == 0 && url.rfind("postgresql://", 0) != 0
                               ? url.substr(11)  // "postgresql:dbname=x host=y": libpq keywords
                               : url;
    auto sink = PgSink::open(conninfo, options);
    if (!sink) return sink.error();
    return std::unique_ptr<Sink>(std::move(*sink));
  }
  if (url.rfind("influxdb://", 0) == 0) {
    auto sink = InfluxSink::open(url, options);
    if (!sink) return sink.error();
    return std::unique_ptr<Sink>(std::move(*sink));
  }
  if (url.rfind("influxdb2://", 0) == 0) {
    auto sink = Influx2Sink::open(url, options);
    if (!sink) return sink.error();
    return std::unique_ptr<Sink>(std::move(*sink));
  }
  if (url.rfind("pubsub://", 0) == 0) {
    auto sink = PubsubSink::open(url, options);
    if (!sink) return sink.error();
    return std::unique_ptr<Sink>(std::move(*sink));
  }
  if (url.rfind("line-protocol:", 0) == 0) {
    std::string path = url.substr(14);
    if (path.empty()) return make_error(ErrorKind::usage, "bad_url", "line-protocol: needs a file name or - (line-protocol:FILE)");
    auto sink = LineFileSink::open(path, options);
    if (!sink) return sink.error();
    return std::unique_ptr<Sink>(std::move(*sink));
  }
  if (url.rfind("bigquery-files:", 0) == 0) {
    std::string dir = url.substr(15);
    if (dir.rfind("//", 0) == 0) dir = dir.substr(2);
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    if (dir.empty()) return make_error(ErrorKind::usage, "bad_url", "bigquery-files: needs a directory (bigquery-files:DIR)");
    auto sink = BigQueryFilesSink::open(dir, options);
    if (!sink) return sink.error();
    return std::unique_ptr<Sink>(std::move(*sink));
  }
  // Never echo the URL: it may hold a password.
  return make_error(ErrorKind::usage, "bad_url",
                    "unknown database URL scheme (want sqlite:FILE, postgresql://..., influxdb://HOST:PORT/DB, "
                    "influxdb2://HOST:PORT/ORG/BUCKET, "
                    "line-protocol:FILE, bigquery-files:DIR or pubsub://PROJECT/TOPIC)");
}

}  // namespace iot::store
