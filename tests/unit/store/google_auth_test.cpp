#include "store/google_auth.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "codec/base64.hpp"
#include "scripted_http_server.hpp"

namespace iot::store {
namespace {

namespace fs = std::filesystem;

// An RSA key made for this test: private PEM for the account, public PEM for
// the verifier.
struct TestKey {
  std::string private_pem, public_pem;
};

TestKey make_key() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  TestKey k;
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  k.private_pem.assign(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  n = BIO_get_mem_data(bio, &data);
  k.public_pem.assign(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return k;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("iot-gauth-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return path / name;
  }
};

std::string b64url_to_bytes(const std::string& s) {
  auto bytes = codec::base64url_decode(s);
  EXPECT_TRUE(bytes);
  return bytes ? *bytes : std::string();
}

TEST(GoogleAuth, ServiceAccountJwtVerifiesWithTheOpensslCli) {
  TestKey key = make_key();
  ServiceAccount account;
  account.client_email = "ingest@proj.iam.gserviceaccount.com";
  account.private_key = key.private_pem;
  account.private_key_id = "kid-1";
  account.token_uri = "https://oauth2.googleapis.com/token";
  auto jwt = make_service_account_jwt(account, google_pubsub_scope, 1700000000);
  ASSERT_TRUE(jwt) << jwt.error().message;
  auto first = jwt->find('.'), last = jwt->rfind('.');
  ASSERT_NE(first, last);
  auto header = nlohmann::json::parse(b64url_to_bytes(jwt->substr(0, first)));
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["typ"], "JWT");
  EXPECT_EQ(header["kid"], "kid-1");
  auto claims = nlohmann::json::parse(b64url_to_bytes(jwt->substr(first + 1, last - first - 1)));
  EXPECT_EQ(claims["iss"], account.client_email);
  EXPECT_EQ(claims["scope"], google_pubsub_scope);
  EXPECT_EQ(claims["aud"], account.token_uri);
  EXPECT_EQ(claims["iat"], 1700000000);
  EXPECT_EQ(claims["exp"], 1700003600);
  // The signature checked by code we did not write: openssl dgst -verify.
  TempDir dir;
  auto pub = dir.write("pub.pem", key.public_pem);
  auto input = dir.write("input", jwt->substr(0, last));
  auto sig = dir.write("sig", b64url_to_bytes(jwt->substr(last + 1)));
  std::string cmd = "openssl dgst -sha256 -verify " + pub.string() + " -signature " + sig.string() + " " +
                    input.string() + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << "openssl did not verify the RS256 signature";
  auto tampered = dir.write("input", jwt->substr(0, last) + "x");
  (void)tampered;
  EXPECT_NE(std::system(cmd.c_str()), 0) << "a changed input must not verify";
}

TEST(GoogleAuth, BadKeysAndAccountsAreUsageErrorsWithoutTheSecret) {
  ServiceAccount account;
  account.client_email = "a@b";
  account.private_key = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXZhbHVl\n-----END PRIVATE KEY-----\n";
  auto jwt = make_service_account_jwt(account, google_pubsub_scope, 1);
  ASSERT_FALSE(jwt);
  EXPECT_EQ(jwt.error().reason, "credentials");
  EXPECT_EQ(jwt.error().message.find("c2VjcmV0"), std::string::npos);
  auto parsed = parse_service_account(R"({"type":"service_account","private_key":"k"})");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("client_email"), std::string::npos);
  parsed = parse_service_account(R"({"client_email":"a@b","private_key":"k"})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->token_uri, "https://oauth2.googleapis.com/token");  // the default
}

TEST(GoogleAuth, TokenAnswers) {
  auto now = std::chrono::steady_clock::now();
  auto t = parse_token_answer({200, R"({"access_token":"ya29.x","expires_in":3599,"token_type":"Bearer"})"}, now);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->value, "ya29.x");
  EXPECT_EQ(t->expires, now + std::chrono::seconds(3599));
  auto refused = parse_token_answer({400, R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})"}, now);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason, "credentials");
  EXPECT_NE(refused.error().message.find("invalid_grant"), std::string::npos);
  auto down = parse_token_answer({503, "busy"}, now);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().kind, ErrorKind::unavailable);
}

// Sets an environment variable for the length of a test.
struct ScopedEnv {
  std::string name;
  ScopedEnv(const char* n, const std::string& value) : name(n) { setenv(n, value.c_str(), 1); }
  ~ScopedEnv() { unsetenv(name.c_str()); }
};

TEST(GoogleAuth, ServiceAccountTokenIsFetchedOnceAndCached) {
  TestKey key = make_key();
  testing::ScriptedHttpServer server({testing::http_reply(200, R"({"access_token":"tok-1","expires_in":3600})")});
  TempDir dir;
  nlohmann::json sa = {{"type", "service_account"}, {"client_email", "i@p.iam.gserviceaccount.com"},
                       {"private_key", key.private_pem}, {"private_key_id", "k1"},
                       {"token_uri", server.base() + "/token"}};
  ScopedEnv env("GOOGLE_APPLICATION_CREDENTIALS", dir.write("sa.json", sa.dump()).string());
  auto creds = GoogleCredentials::from_environment(google_pubsub_scope);
  ASSERT_TRUE(creds) << creds.error().message;
  EXPECT_EQ((*creds)->describe(), "service account i@p.iam.gserviceaccount.com");
  auto token = (*creds)->token();
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(*token, "tok-1");
  auto again = (*creds)->token();  // the server answers once only: this one must come from the cache
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, "tok-1");
  auto req = server.requests();
  ASSERT_EQ(req.size(), 1u);
  EXPECT_EQ(req[0].rfind("POST /token ", 0), 0u);
  EXPECT_NE(req[0].find("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=ey"),
            std::string::npos)
      << req[0];
}

TEST(GoogleAuth, MetadataServerWhenNoCredentialsFile) {
  testing::ScriptedHttpServer server({testing::http_reply(200, R"({"access_token":"meta-tok","expires_in":1800})")});
  unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
  ScopedEnv env("GCE_METADATA_HOST", "127.0.0.1:" + std::to_string(server.port()));
  auto creds = GoogleCredentials::from_environment(google_pubsub_scope);
  ASSERT_TRUE(creds) << creds.error().message;
  auto token = (*creds)->token();
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(*token, "meta-tok");
  auto req = server.requests();
  ASSERT_EQ(req.size(), 1u);
  EXPECT_EQ(req[0].rfind("GET /computeMetadata/v1/instance/service-accounts/default/token?scopes=", 0), 0u);
  EXPECT_NE(req[0].find("Metadata-Flavor: Google\r\n"), std::string::npos);
}

TEST(GoogleAuth, UnreadableOrForeignCredentialsAreUsageErrors) {
  TempDir dir;
  {
    ScopedEnv env("GOOGLE_APPLICATION_CREDENTIALS", (dir.path / "missing.json").string());
    auto creds = GoogleCredentials::from_environment(google_pubsub_scope);
    ASSERT_FALSE(creds);
    EXPECT_EQ(creds.error().kind, ErrorKind::usage);
  }
  ScopedEnv env("GOOGLE_APPLICATION_CREDENTIALS", dir.write("x.json", R"({"type":"external_account"})").string());
  auto creds = GoogleCredentials::from_environment(google_pubsub_scope);
  ASSERT_FALSE(creds);
  EXPECT_NE(creds.error().message.find("external_account"), std::string::npos);
}

}  // namespace
}  // namespace iot::store
