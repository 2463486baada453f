// iot-pub's MQTT session from its options.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "cli/options.hpp"
#include "core/result.hpp"
#include "mqtt/session.hpp"

namespace iot::pub {

Result<std::unique_ptr<mqtt::Session>> make_session(const cli::BrokerOptions& broker, std::string_view tool,
                                                    int max_inflight, int retries, std::chrono::milliseconds connect_timeout);

}  // namespace iot::pub
