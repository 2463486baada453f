// The shared broker options (cli::BrokerOptions) -> a SessionConfig: URL,
// -h/-p, credentials, TLS files, protocol, keep-alive, and a client id that
// is unique per process unless -i names one (a broker gives a returning
// client id the old connection's session and drops that connection, so
// defaults must never collide).
#pragma once

#include <string_view>

#include "cli/options.hpp"
#include "core/result.hpp"
#include "mqtt/session.hpp"

namespace iot::cli {

Result<mqtt::SessionConfig> session_config_from(const BrokerOptions& options, std::string_view tool);

}  // namespace iot::cli
