// Google Cloud Pub/Sub sink (iot-ingest(1), Pub/Sub): one message per
// reading (pubsub_message.hpp), batched into publish requests
// (pubsub_batches.hpp) sent several at once over the REST API, while each
// ordering key's requests go strictly one after the other.
//
// A reading counts as stored only when the publish answer returned its
// message id. 429, 500, 502, 503, 504, no answer and timeouts are retried
// here a few times with exponential backoff and jitter, then the batch is
// unavailable (breaker, --spool, exit codes as for every sink); a lane whose
// request failed holds back that key's later messages, other keys go on.
// Rows published before a batch failed are remembered, so the batch sent
// again (from the spool, or row by row) does not publish them twice.
// A 400 or a reading over a Pub/Sub limit is db_rejected: iot-ingest then
// writes the batch row by row and dead-letters the refused ones with
// Google's reason.
//
// ensure_schema checks that the topic exists; with SinkOptions::create it
// creates it when missing.
#pragma once

#include <memory>
#include <string>
#include <unordered_set>

#include "store/google_auth.hpp"
#include "store/http_client.hpp"
#include "store/pubsub_batches.hpp"
#include "store/pubsub_target.hpp"
#include "store/sink.hpp"

namespace iot::store {

class PubsubSink : public Sink {
 public:
  struct Tuning {
    std::size_t connections = 8;  // publish requests in flight
    int attempts = 4;             // per request, before the batch is unavailable
    std::chrono::milliseconds retry_budget{30000};  // no new try after this long in one write
    std::chrono::milliseconds first_backoff{100};
    std::chrono::milliseconds max_backoff{2000};
    PublishLimits limits;
  };
  // Reads PUBSUB_EMULATOR_HOST, else the Application Default Credentials.
  static Result<std::unique_ptr<PubsubSink>> open(const std::string& url, const SinkOptions& options);
  static Result<std::unique_ptr<PubsubSink>> open(const std::string& url, const SinkOptions& options, Tuning tuning);
  Status ensure_schema() override;
  Result<WriteStats> write(const Batch& batch) override;
  Status refresh_rollups() override { return ok_status(); }  // nothing to refresh in a topic
  Status reconnect() override { return ok_status(); }        // HTTP: the next request connects again
  std::string describe() const override { return target_.describe(); }
  std::string setup_note() const override { return note_; }

 private:
  PubsubSink(PubsubTarget target, SinkOptions options, Tuning tuning);
  Result<std::vector<std::string>> headers(bool refresh);
  static std::string row_key(const ReadingRow& row);

  PubsubTarget target_;
  SinkOptions options_;
  Tuning tuning_;
  std::unique_ptr<GoogleCredentials> credentials_;  // null with the emulator
  HttpClient http_;
  HttpParallel parallel_;
  bool topic_ready_ = false;
  std::unordered_set<std::string> published_;  // rows of failed batches that are out already
  std::string note_;
};

}  // namespace iot::store
