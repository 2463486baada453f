// InfluxDB 1.x sink (iot-ingest(1), "InfluxDB"): each batch is line
// protocol (line_protocol.hpp), gzipped, POSTed to /write with precision
// ns, one request per retention policy the batch's tables use, on one
// kept-alive connection. Not several smaller requests at once: InfluxDB
// spends about a third more CPU per point on 2,500-line requests than on
// 5,000-line ones, so on a busy machine they were slower, not faster.
//
// InfluxDB answers 204 when every point is stored. A 400 names what it
// refused ("partial write: ... dropped=N"; the others are stored): that is
// db_rejected, so iot-ingest writes the batch again reading by reading and
// dead-letters only the refused ones — InfluxDB keeps one point per series
// and timestamp, so writing the stored ones again changes nothing. No
// answer or a 5xx is unavailable (breaker, retries, spool).
//
// ensure_schema creates the database, the retention policies and the
// continuous queries of influx_schema.hpp when missing; tables a route
// names get theirs on first write, as PostgreSQL tables do.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "store/http_client.hpp"
#include "store/influx_schema.hpp"
#include "store/line_protocol.hpp"
#include "store/sink.hpp"

namespace iot::store {

class InfluxSink : public Sink {
 public:
  // The password comes from the URL or, when the URL names a user without
  // one, from IOT_PASSWORD.
  static Result<std::unique_ptr<InfluxSink>> open(const std::string& url, const SinkOptions& options);
  Status ensure_schema() override;
  Result<WriteStats> write(const Batch& batch) override;
  Status refresh_rollups() override { return ok_status(); }  // continuous queries and retention run in InfluxDB
  Status reconnect() override { return ok_status(); }        // HTTP: the next request connects again
  std::string describe() const override { return target_.describe(); }
  std::string setup_note() const override { return note_; }

 private:
  InfluxSink(InfluxTarget target, SinkOptions options);
  Result<std::string> query(const std::string& statement);  // the JSON answer
  Status load_existing();
  Status ensure_policy(const RetentionPolicy& rp, bool make_default);
  Status ensure_table(const std::string& table);
  Status post_lines(const std::string& rp, const std::string& lines);

  InfluxTarget target_;
  SinkOptions options_;
  HttpClient http_;
  bool schema_ready_ = false;
  std::map<std::string, std::optional<std::chrono::seconds>> policies_;  // on the server: name -> duration
  std::string default_policy_;                                           // on the server
  std::set<std::string> queries_;                                        // continuous queries on the server
  std::map<std::string, std::string> table_policy_;  // table -> its raw retention policy
  std::map<std::string, std::string> bodies_;  // retention policy -> lines (kept: their capacity)
  std::string gzipped_;
  LineEncoder encoder_;
  std::string note_;
};

}  // namespace iot::store
