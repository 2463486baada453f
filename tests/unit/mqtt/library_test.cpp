// libmosquitto's process-wide state and its codes in our words
// (common/mqtt/library.cpp).
#include "mqtt/library.hpp"

#include <gtest/gtest.h>

#include <string>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

namespace iot::mqtt {
namespace {

TEST(Library, InitializedOnceFromManyThreads) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back([] { ensure_library(); });
  for (auto& t : threads) t.join();
  // Usable afterwards: a handle can be made.
  mosquitto* m = mosquitto_new("library-test", true, nullptr);
  ASSERT_NE(m, nullptr);
  mosquitto_destroy(m);
}

TEST(ErrorText, LibraryCodesAndErrno) {
  // libmosquitto's own words, without the full stop it ends them with (the
  // tool's message goes on after them).
  auto words = [](int code) {
    std::string s = mosquitto_strerror(code);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  EXPECT_EQ(error_text(MOSQ_ERR_SUCCESS), words(MOSQ_ERR_SUCCESS));
  EXPECT_EQ(error_text(MOSQ_ERR_CONN_REFUSED), words(MOSQ_ERR_CONN_REFUSED));
  EXPECT_EQ(error_text(MOSQ_ERR_TLS), words(MOSQ_ERR_TLS));
  EXPECT_NE(error_text(MOSQ_ERR_TLS).back(), '.');
  EXPECT_FALSE(error_text(MOSQ_ERR_NO_CONN).empty());
  errno = ECONNREFUSED;
  EXPECT_EQ(error_text(MOSQ_ERR_ERRNO), std::strerror(ECONNREFUSED));
  errno = 0;
  EXPECT_EQ(error_text(MOSQ_ERR_ERRNO), "system error");
}

TEST(ConnackText, VersionFiveReasonsAndThreeOneOneCodes) {
  EXPECT_EQ(connack_text(MQTT_RC_NOT_AUTHORIZED, true), mosquitto_reason_string(MQTT_RC_NOT_AUTHORIZED));
  EXPECT_EQ(connack_text(MQTT_RC_BAD_USERNAME_OR_PASSWORD, true),
            mosquitto_reason_string(MQTT_RC_BAD_USERNAME_OR_PASSWORD));
  EXPECT_EQ(connack_text(5, false), mosquitto_connack_string(5));  // 3.1.1: not authorised
  EXPECT_EQ(connack_text(4, false), mosquitto_connack_string(4));
  // The same number means different things in the two versions.
  EXPECT_NE(connack_text(5, false), connack_text(5, true));
}

}  // namespace
}  // namespace iot::mqtt
