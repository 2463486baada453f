// A small libcurl client for the HTTP sinks (InfluxDB, Pub/Sub): one
// connection kept alive across requests, basic auth kept out of URLs (so out
// of logs), bounded timeouts so a server that stops answering is an outage,
// not a hang. HttpParallel sends several requests at once, each on a
// connection of its own (Pub/Sub's several publish requests in flight).
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

struct HttpTimeouts {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{30000};  // whole request
};

class HttpClient {
 public:
  using Options = HttpTimeouts;
  explicit HttpClient(Options options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void set_basic_auth(std::string user, std::string password);
  // POSTs body with the given extra header lines ("Content-Encoding: gzip").
  // Errors: unavailable "db_unavailable" when no HTTP answer came (refused,
  // reset, timed out); any HTTP status is a response.
  Result<HttpResponse> post(const std::string& url, std::string_view body, const std::vector<std::string>& headers);
  // Any method ("GET", "PUT", ...); a body only when not empty. Errors as post.
  Result<HttpResponse> request(const std::string& method, const std::string& url, std::string_view body,
                               const std::vector<std::string>& headers);
  // application/x-www-form-urlencoded value.
  std::string form_escape(std::string_view text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One POST of a parallel round.
struct HttpPost {
  std::string url;
  std::string_view body;  // must outlive post_all
  std::vector<std::string> headers;
};

class HttpParallel {
 public:
  // At most `connections` requests at once; each keeps its connection alive.
  HttpParallel(std::size_t connections, HttpTimeouts timeouts);
  ~HttpParallel();
  HttpParallel(const HttpParallel&) = delete;
  HttpParallel& operator=(const HttpParallel&) = delete;
  std::size_t connections() const;
  // Sends every request (at most connections() of them) at once and waits
  // for all; one answer or error per request, in the same order.
  std::vector<Result<HttpResponse>> post_all(const std::vector<HttpPost>& posts);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace iot::store
