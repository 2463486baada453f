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

// Sets up one request on a reused handle; the header list is the caller's to free.
curl_slist* prepare(CURL* c, const std::string& method, const std::string& url, std::string_view body,
                    const std::vector<std::string>& headers, const HttpTimeouts& timeouts, std::string* sink) {
  curl_easy_reset(c);  // keeps the open connection, forgets the last request's options
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip on large bodies
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  if (method == "POST" || !body.empty()) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  if (method != "POST" && method != "GET") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, sink);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts.timeout.count()));
  return list;
}

Error no_answer(CURLcode rc) {
  return make_error(ErrorKind::unavailable, "db_unavailable", std::string("HTTP: ") + curl_easy_strerror(rc));
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
  return request("POST", url, body, headers);
}

Result<HttpResponse> HttpClient::request(const std::string& method, const std::string& url, std::string_view body,
                                         const std::vector<std::string>& headers) {
  CURL* c = impl_->curl;
  if (!c) return make_error(ErrorKind::unavailable, "db_unavailable", "HTTP: libcurl could not start");
  HttpResponse response;
  curl_slist* list = prepare(c, method, url, body, headers, impl_->options, &response.body);
  if (!impl_->user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, impl_->user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, impl_->password.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) return no_answer(rc);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

struct HttpParallel::Impl {
  CURLM* multi = nullptr;
  std::vector<CURL*> handles;
  HttpTimeouts timeouts;
};

HttpParallel::HttpParallel(std::size_t connections, HttpTimeouts timeouts) : impl_(std::make_unique<Impl>()) {
  global_init_once();
  impl_->multi = curl_multi_init();
  impl_->timeouts = timeouts;
  for (std::size_t i = 0; i < std::max<std::size_t>(1, connections); ++i) impl_->handles.push_back(curl_easy_init());
}

HttpParallel::~HttpParallel() {
  for (CURL* c : impl_->handles)
    if (c) curl_easy_cleanup(c);
  if (impl_->multi) curl_multi_cleanup(impl_->multi);
}

std::size_t HttpParallel::connections() const { return impl_->handles.size(); }

std::vector<Result<HttpResponse>> HttpParallel::post_all(const std::vector<HttpPost>& posts) {
  const std::size_t n = std::min(posts.size(), impl_->handles.size());
  std::vector<HttpResponse> answers(n);
  std::vector<curl_slist*> lists(n, nullptr);
  std::vector<CURLcode> codes(n, CURLE_OK);
  CURLM* m = impl_->multi;
  for (std::size_t i = 0; i < n; ++i) {
    CURL* c = impl_->handles[i];
    lists[i] = prepare(c, "POST", posts[i].url, posts[i].body, posts[i].headers, impl_->timeouts, &answers[i].body);
    curl_easy_setopt(c, CURLOPT_PRIVATE, reinterpret_cast<char*>(i));
    curl_multi_add_handle(m, c);
  }
  int running = static_cast<int>(n);
  while (running > 0) {
    if (curl_multi_perform(m, &running) != CURLM_OK) break;
    if (running > 0) curl_multi_poll(m, nullptr, 0, 1000, nullptr);
  }
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    char* index = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &index);
    codes[reinterpret_cast<std::size_t>(index)] = msg->data.result;
  }
  std::vector<Result<HttpResponse>> out;
  out.reserve(posts.size());
  for (std::size_t i = 0; i < n; ++i) {
    curl_multi_remove_handle(m, impl_->handles[i]);
    curl_slist_free_all(lists[i]);
    if (codes[i] != CURLE_OK) {
      out.emplace_back(no_answer(codes[i]));
      continue;
    }
    curl_easy_getinfo(impl_->handles[i], CURLINFO_RESPONSE_CODE, &answers[i].status);
    out.emplace_back(std::move(answers[i]));
  }
  for (std::size_t i = n; i < posts.size(); ++i)
    out.emplace_back(make_error(ErrorKind::usage, "usage", "HTTP: more requests than connections"));
  return out;
}

}  // namespace iot::store
