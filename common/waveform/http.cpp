#include "waveform/http.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace iot::waveform {
namespace {

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlPtr = std::unique_ptr<CURL, CurlFree>;

CurlPtr new_handle(const std::string& url, std::chrono::seconds timeout) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CurlPtr c(curl_easy_init());
  if (!c) return c;
  curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
  curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  return c;
}

struct Upload {
  std::string_view body;
  std::size_t at = 0;
};
size_t read_body(char* dst, size_t size, size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  std::size_t take = std::min(size * n, u->body.size() - u->at);
  std::copy_n(u->body.data() + u->at, take, dst);
  u->at += take;
  return take;
}

struct Download {
  std::string body;
  std::size_t max = 0;
  bool over = false;
};
size_t write_body(char* src, size_t size, size_t n, void* user) {
  auto* d = static_cast<Download*>(user);
  if (d->body.size() + size * n > d->max) {
    d->over = true;
    return 0;  // aborts the transfer
  }
  d->body.append(src, size * n);
  return size * n;
}
size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

Status perform(CURL* c, const std::string& what, const std::string& url) {
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    return make_error(ErrorKind::unavailable, "http", fmt::format("{} {}: {}", what, url, curl_easy_strerror(rc)));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299)
    return make_error(ErrorKind::unavailable, "http", fmt::format("{} {}: HTTP status {}", what, url, status));
  return ok_status();
}

}  // namespace

Status http_put(const std::string& url, std::string_view body, std::chrono::seconds timeout) {
  CurlPtr c = new_handle(url, timeout);
  if (!c) return make_error(ErrorKind::internal, "http", "curl_easy_init failed");
  Upload up{body};
  curl_easy_setopt(c.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c.get(), CURLOPT_READFUNCTION, read_body);
  curl_easy_setopt(c.get(), CURLOPT_READDATA, &up);
  curl_easy_setopt(c.get(), CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, discard);
  return perform(c.get(), "PUT", url);
}

Result<std::string> http_get(const std::string& url, std::size_t max_bytes, std::chrono::seconds timeout) {
  CurlPtr c = new_handle(url, timeout);
  if (!c) return make_error(ErrorKind::internal, "http", "curl_easy_init failed");
  Download d{{}, max_bytes};
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &d);
  auto st = perform(c.get(), "GET", url);
  if (d.over) return make_error(ErrorKind::too_large, "too_large", fmt::format("GET {}: body over {} bytes", url, max_bytes));
  if (!st) return st.error();
  return std::move(d.body);
}

}  // namespace iot::waveform
