// Where the Pub/Sub sink publishes (iot-ingest(1), Pub/Sub):
// "pubsub://PROJECT/TOPIC", to the emulator named by PUBSUB_EMULATOR_HOST
// (host:port, plain HTTP, no auth, as Google's client libraries read it) or
// else to Google's HTTPS endpoint with Application Default Credentials.
#pragma once

#include <string>

#include "core/result.hpp"

namespace iot::store {

inline constexpr const char* pubsub_google_endpoint = "https://pubsub.googleapis.com";

struct PubsubTarget {
  std::string project;
  std::string topic;
  std::string endpoint;   // "http://HOST:PORT" (emulator) or pubsub_google_endpoint
  bool emulator = false;  // no credentials asked for

  std::string topic_path() const { return "projects/" + project + "/topics/" + topic; }
  std::string topic_url() const { return endpoint + "/v1/" + topic_path(); }
  std::string describe() const;
};

// emulator_host: PUBSUB_EMULATOR_HOST's value, or null/empty for Google.
// Errors: usage "bad_url" naming what is wrong (topic names as Pub/Sub
// allows them: 3 to 255 of [A-Za-z0-9-_.~+%], a letter first, not "goog...").
Result<PubsubTarget> parse_pubsub_url(const std::string& url, const char* emulator_host);

}  // namespace iot::store
