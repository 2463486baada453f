#include "mqtt/library.hpp"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace iot::mqtt {

void ensure_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string error_text(int rc) {
  if (rc == MOSQ_ERR_ERRNO) {
    int err = errno;
    return err ? std::string(std::strerror(err)) : std::string("system error");
  }
  // libmosquitto's texts end in a full stop ("Lookup error."); ours go on
  // after them ("; retrying"), so the stop is dropped.
  std::string text = mosquitto_strerror(rc);
  while (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

std::string connack_text(int reason, bool v5) {
  if (v5) return mosquitto_reason_string(reason);
  return mosquitto_connack_string(reason);
}

}  // namespace iot::mqtt
