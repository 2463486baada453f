#include "store/google_auth.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "codec/base64.hpp"
#include "store/json_out.hpp"

namespace iot::store {
namespace {

Error credentials_error(std::string message) {
  return make_error(ErrorKind::usage, "credentials", std::move(message));
}

std::string string_field(simdjson::dom::object o, const char* key) {
  std::string_view v;
  if (o[key].get_string().get(v)) return {};
  return std::string(v);
}

// RS256: RSASSA-PKCS1-v1_5 over SHA-256 with the PEM private key.
Result<std::string> rs256_sign(const std::string& pem, std::string_view input) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (!key) return credentials_error("credentials: the private_key is not a PEM private key");
  std::string signature;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t length = 0;
  bool ok = ctx && EVP_PKEY_base_id(key) == EVP_PKEY_RSA &&
            EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()),
                           input.size()) == 1;
  if (ok) {
    signature.resize(length);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    signature.resize(length);
  }
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  if (!ok) return credentials_error("credentials: the private_key cannot sign RS256 (an RSA key is needed)");
  return signature;
}

Result<std::string> read_credentials_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return credentials_error("GOOGLE_APPLICATION_CREDENTIALS: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The form a token endpoint takes; values are escaped with the client's escaper.
std::string form(HttpClient& http, std::initializer_list<std::pair<const char*, std::string>> fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += http.form_escape(value);
  }
  return out;
}

}  // namespace

Result<ServiceAccount> parse_service_account(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(json.data(), json.size()).get_object().get(o))
    return credentials_error("credentials: not a JSON object");
  ServiceAccount a;
  a.client_email = string_field(o, "client_email");
  a.private_key = string_field(o, "private_key");
  a.private_key_id = string_field(o, "private_key_id");
  if (auto uri = string_field(o, "token_uri"); !uri.empty()) a.token_uri = uri;
  if (a.client_email.empty()) return credentials_error("credentials: service account without client_email");
  if (a.private_key.empty()) return credentials_error("credentials: service account without private_key");
  return a;
}

Result<std::string> make_service_account_jwt(const ServiceAccount& account, std::string_view scope,
                                             std::int64_t now_s) {
  std::string header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"";
  if (!account.private_key_id.empty()) {
    header += ",\"kid\":";
    append_json_quoted(header, account.private_key_id);
  }
  header += '}';
  std::string claims = "{\"iss\":";
  append_json_quoted(claims, account.client_email);
  claims += ",\"scope\":";
  append_json_quoted(claims, scope);
  claims += ",\"aud\":";
  append_json_quoted(claims, account.token_uri);
  claims += fmt::format(",\"iat\":{},\"exp\":{}}}", now_s, now_s + 3600);
  std::string input = codec::base64url_encode(header) + "." + codec::base64url_encode(claims);
  auto signature = rs256_sign(account.private_key, input);
  if (!signature) return signature.error();
  return input + "." + codec::base64url_encode(*signature);
}

Result<AccessToken> parse_token_answer(const HttpResponse& response, std::chrono::steady_clock::time_point now) {
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  bool is_object = !parser.parse(response.body).get_object().get(o);
  if (response.status != 200) {
    // Google's reason ("invalid_grant: ..."): says what is wrong, holds no secret.
    std::string why = is_object ? string_field(o, "error") : std::string();
    std::string detail = is_object ? string_field(o, "error_description") : std::string();
    std::string text = fmt::format("token endpoint: HTTP {}{}{}", response.status, why.empty() ? "" : ": " + why,
                                   detail.empty() ? "" : " (" + detail.substr(0, 200) + ")");
    if (response.status == 400 || response.status == 401 || response.status == 403)
      return credentials_error(text);
    return make_error(ErrorKind::unavailable, "db_unavailable", text);
  }
  AccessToken token;
  std::int64_t expires_in = 0;
  if (!is_object || (token.value = string_field(o, "access_token")).empty() ||
      o["expires_in"].get_int64().get(expires_in))
    return make_error(ErrorKind::unavailable, "db_unavailable", "token endpoint: an answer without access_token");
  token.expires = now + std::chrono::seconds(expires_in);
  return token;
}

Result<std::unique_ptr<GoogleCredentials>> GoogleCredentials::from_environment(std::string scope) {
  std::unique_ptr<GoogleCredentials> c(new GoogleCredentials());
  c->scope_ = std::move(scope);
  c->http_ = std::make_unique<HttpClient>(HttpTimeouts{std::chrono::milliseconds(3000), std::chrono::milliseconds(15000)});
  const char* file = std::getenv("GOOGLE_APPLICATION_CREDENTIALS");
  if (file && *file) {
    auto text = read_credentials_file(file);
    if (!text) return text.error();
    simdjson::dom::parser parser;
    simdjson::dom::object o;
    if (parser.parse(*text).get_object().get(o))
      return credentials_error(std::string("GOOGLE_APPLICATION_CREDENTIALS: ") + file + " is not a JSON object");
    std::string type = string_field(o, "type");
    if (type == "service_account") {
      auto account = parse_service_account(*text);
      if (!account) return account.error();
      c->account_ = std::move(*account);
      c->kind_ = Kind::service_account;
    } else if (type == "authorized_user") {
      c->client_id_ = string_field(o, "client_id");
      c->client_secret_ = string_field(o, "client_secret");
      c->refresh_token_ = string_field(o, "refresh_token");
      if (c->client_id_.empty() || c->refresh_token_.empty())
        return credentials_error("credentials: authorized_user without client_id or refresh_token");
      if (auto uri = string_field(o, "token_uri"); !uri.empty()) c->account_.token_uri = uri;
      c->kind_ = Kind::authorized_user;
    } else {
      return credentials_error("credentials: type \"" + type.substr(0, 40) +
                               "\" (want service_account or authorized_user)");
    }
    return c;
  }
  const char* host = std::getenv("GCE_METADATA_HOST");
  c->metadata_host_ = host && *host ? host : "metadata.google.internal";
  c->kind_ = Kind::metadata;
  return c;
}

GoogleCredentials::~GoogleCredentials() = default;

std::string GoogleCredentials::describe() const {
  switch (kind_) {
    case Kind::service_account: return "service account " + account_.client_email;
    case Kind::authorized_user: return "authorized user credentials";
    case Kind::metadata: return "metadata server " + metadata_host_;
  }
  return {};
}

Result<AccessToken> GoogleCredentials::fetch() {
  auto now = std::chrono::steady_clock::now();
  Result<HttpResponse> answer = make_error(ErrorKind::unavailable, "db_unavailable", "no token request");
  switch (kind_) {
    case Kind::service_account: {
      auto jwt = make_service_account_jwt(account_, scope_,
                                          std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch()).count());
      if (!jwt) return jwt.error();
      answer = http_->post(account_.token_uri,
                           form(*http_, {{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                                         {"assertion", *jwt}}),
                           {"Content-Type: application/x-www-form-urlencoded"});
      break;
    }
    case Kind::authorized_user:
      answer = http_->post(account_.token_uri,
                           form(*http_, {{"grant_type", "refresh_token"},
                                         {"client_id", client_id_},
                                         {"client_secret", client_secret_},
                                         {"refresh_token", refresh_token_}}),
                           {"Content-Type: application/x-www-form-urlencoded"});
      break;
    case Kind::metadata:
      answer = http_->request("GET",
                              "http://" + metadata_host_ +
                                  "/computeMetadata/v1/instance/service-accounts/default/token?scopes=" +
                                  http_->form_escape(scope_),
                              {}, {"Metadata-Flavor: Google"});
      break;
  }
  if (!answer) {
    auto e = answer.error();
    e.message = "Google credentials (" + describe() + "): " + e.message;
    return e;
  }
  return parse_token_answer(*answer, now);
}

Result<std::string> GoogleCredentials::token(bool refresh) {
  auto now = std::chrono::steady_clock::now();
  if (!refresh && cached_ && cached_->expires - std::chrono::minutes(5) > now) return cached_->value;
  auto fresh = fetch();
  if (!fresh) return fresh.error();
  cached_ = std::move(*fresh);
  return cached_->value;
}

}  // namespace iot::store
