// InfluxDB 2.x sink (iot-ingest(1), "InfluxDB 2"): the same line protocol
// as the 1.x sink (line_protocol.hpp), gzipped, POSTed to /api/v2/write with
// org, bucket and precision ns, authorized by "Authorization: Token ..."
// (the token from --token-file; never in a URL or a log line).
//
// 204 is stored. 400 and 413 are db_rejected (iot-ingest writes the batch
// again reading by reading and dead-letters what is refused, with
// InfluxDB's message); 401 and 403 stop the run (usage: the token); 404 (no
// such org or bucket) too; no answer, 429 or a 5xx is unavailable (breaker,
// retries, spool). The bucket's retention and any downsampling tasks are
// InfluxDB 2's own to configure: nothing is created.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/http_client.hpp"
#include "store/line_protocol.hpp"
#include "store/sink.hpp"

namespace iot::store {

// influxdb2://HOST[:PORT]/ORG/BUCKET (port 8086 by default; ORG and BUCKET
// percent-decoded, so "my%20org" is "my org").
struct Influx2Target {
  std::string host;
  int port = 8086;
  std::string org, bucket;
  std::string write_url() const;  // http://HOST:PORT/api/v2/write?org=..&bucket=..&precision=ns
  std::string describe() const;   // influxdb2://HOST:PORT/ORG/BUCKET
};
Result<Influx2Target> parse_influx2_url(std::string_view url);

class Influx2Sink : public Sink {
 public:
  // options.token must hold the API token.
  static Result<std::unique_ptr<Influx2Sink>> open(const std::string& url, const SinkOptions& options);
  Status ensure_schema() override { return ok_status(); }  // buckets are made in InfluxDB 2 itself
  Result<WriteStats> write(const Batch& batch) override;
  Status refresh_rollups() override { return ok_status(); }
  Status reconnect() override { return ok_status(); }
  std::string describe() const override { return target_.describe(); }
  std::string setup_note() const override;

 private:
  Influx2Sink(Influx2Target target, SinkOptions options);
  Influx2Target target_;
  SinkOptions options_;
  HttpClient http_;
  std::string lines_, gzipped_;
  LineEncoder encoder_;
};

}  // namespace iot::store
