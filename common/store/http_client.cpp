#include "store/http_client.hpp"

#include <curl/curl.h>

#include <mutex>

namespace iot::store {
namespace {

size_t collect(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

struct HttpClient::Impl {
  CURL* curl = nullptr;
  Options options;
  std::string user, password;
};

HttpClient::HttpClient(Options options) : impl_(std::make_unique<Impl>()) {
  global_init_once();
  impl_->curl = curl_easy_init();
  impl_->options = options;
}

HttpClient::~HttpClient() {
  if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

void HttpClient::set_basic_auth(std::string user, std::string password) {
  impl_->user = std::move(user);
  impl_->password = std::move(password);
}

std::string HttpClient::form_escape(std::string_view text) const {
  char* escaped = curl_easy_escape(impl_->curl, text.data(), static_cast<int>(text.size()));
  std::string out = escaped ? escaped : "";
  curl_free(escaped);
  return out;
}

Result<HttpResponse> HttpClient::post(const std::string& url, std::string_view body,
                                      const std::vector<std::string>& headers) {
  CURL* c = impl_->curl;
  if (!c) return make_error(ErrorKind::unavailable, "db_unavailable", "HTTP: libcurl could not start");
  curl_easy_reset(c);  // keeps the open connection, forgets the last request's options
  HttpResponse response;
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip on large bodies
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(impl_->options.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(impl_->options.timeout.count()));
  if (!impl_->user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, impl_->user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, impl_->password.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(list);
  if (rc != CURLE_OK)
    return make_error(ErrorKind::unavailable, "db_unavailable", std::string("HTTP: ") + curl_easy_strerror(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace iot::store
