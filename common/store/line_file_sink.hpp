// line-protocol:FILE (or line-protocol:- for stdout): the points the
// InfluxDB sink would send, appended to a file for `influx -import` or
// Telegraf (iot-ingest(1), "InfluxDB"). A batch is written and flushed in
// one piece after every reading of it was encoded, so a refused reading
// (db_rejected) leaves nothing of its batch behind; iot-ingest then writes
// the batch reading by reading.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "store/line_protocol.hpp"
#include "store/sink.hpp"

namespace iot::store {

class LineFileSink : public Sink {
 public:
  static Result<std::unique_ptr<LineFileSink>> open(const std::string& path, const SinkOptions& options);
  ~LineFileSink() override;
  Status ensure_schema() override { return ok_status(); }
  Result<WriteStats> write(const Batch& batch) override;
  Status refresh_rollups() override { return ok_status(); }
  Status reconnect() override { return ok_status(); }
  std::string describe() const override { return "line-protocol:" + path_; }

 private:
  LineFileSink(std::string path, std::FILE* file, SinkOptions options)
      : path_(std::move(path)), file_(file), options_(std::move(options)) {}
  std::string path_;
  std::FILE* file_;
  SinkOptions options_;
  std::string lines_;
  LineEncoder encoder_;
};

}  // namespace iot::store
