// Application Default Credentials for Google APIs (iot-ingest(1), Pub/Sub):
// the JSON file named by GOOGLE_APPLICATION_CREDENTIALS — a service account
// (an RS256-signed JWT, made with OpenSSL, exchanged at its token_uri for an
// OAuth2 access token) or an authorized user (its refresh token exchanged)
// — else the metadata server of the machine the program runs on
// (GCE_METADATA_HOST, default metadata.google.internal). Tokens are cached
// and fetched again a few minutes before they expire. No token, key or
// secret ever goes into an error message.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "store/http_client.hpp"

namespace iot::store {

inline constexpr const char* google_pubsub_scope = "https://www.googleapis.com/auth/pubsub";

struct ServiceAccount {
  std::string client_email;
  std::string private_key;     // PEM
  std::string private_key_id;  // the JWT's kid
  std::string token_uri = "https://oauth2.googleapis.com/token";
};

// Errors: usage "credentials" naming the missing field (never its value).
Result<ServiceAccount> parse_service_account(std::string_view json);

// The signed assertion of a service account: header.claims.signature,
// base64url, RS256; valid for an hour from now_s (Unix seconds).
// Errors: usage "credentials" (the key cannot be read or cannot sign).
Result<std::string> make_service_account_jwt(const ServiceAccount& account, std::string_view scope,
                                             std::int64_t now_s);

struct AccessToken {
  std::string value;
  std::chrono::steady_clock::time_point expires;
};

class GoogleCredentials {
 public:
  // Reads GOOGLE_APPLICATION_CREDENTIALS (when set) at once, so a bad file is
  // a usage error at start, not at the first publish.
  static Result<std::unique_ptr<GoogleCredentials>> from_environment(std::string scope);
  ~GoogleCredentials();

  // A valid token, fetched when none is cached, when the cached one expires
  // within five minutes, or when `refresh` (the server said 401).
  // Errors: unavailable (the token server did not answer), usage
  // "credentials" (it refused the credentials).
  Result<std::string> token(bool refresh = false);
  std::string describe() const;  // "service account NAME@..." / "metadata server"

 private:
  GoogleCredentials() = default;
  Result<AccessToken> fetch();

  enum class Kind { service_account, authorized_user, metadata } kind_ = Kind::metadata;
  std::string scope_;
  ServiceAccount account_;
  std::string client_id_, client_secret_, refresh_token_;  // authorized user
  std::string metadata_host_;
  std::unique_ptr<HttpClient> http_;
  std::optional<AccessToken> cached_;
};

// The answer of a token endpoint ({"access_token":..,"expires_in":..}).
Result<AccessToken> parse_token_answer(const HttpResponse& response, std::chrono::steady_clock::time_point now);

}  // namespace iot::store
