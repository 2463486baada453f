// A small libcurl client for the HTTP sinks (InfluxDB): one connection kept
// alive across requests, basic auth kept out of URLs (so out of logs),
// bounded timeouts so a server that stops answering is an outage, not a hang.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace iot::store {

struct HttpResponse {
  long status = 0;
  std::string body;
};

class HttpClient {
 public:
  struct Options {
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds timeout{30000};  // whole request
  };
  explicit HttpClient(Options options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void set_basic_auth(std::string user, std::string password);
  // POSTs body with the given extra header lines ("Content-Encoding: gzip").
  // Errors: unavailable "db_unavailable" when no HTTP answer came (refused,
  // reset, timed out); any HTTP status is a response.
  Result<HttpResponse> post(const std::string& url, std::string_view body, const std::vector<std::string>& headers);
  // application/x-www-form-urlencoded value.
  std::string form_escape(std::string_view text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace iot::store
