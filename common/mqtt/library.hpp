// libmosquitto's process-wide state: mosquitto_lib_init() exactly once,
// before the first handle, and its codes turned into our words.
#pragma once

#include <string>

namespace iot::mqtt {

// Initializes libmosquitto once per process (thread-safe); never cleaned up
// before exit because handles may outlive static destructors.
void ensure_library();

// "connection refused", "TLS error", ... for a MOSQ_ERR_* code.
std::string error_text(int mosq_rc);
// The text of a CONNACK reason (v5 reason codes and v3 return codes).
std::string connack_text(int reason, bool v5);

}  // namespace iot::mqtt
