#include "iot-pub/session_setup.hpp"

#include "core/duration.hpp"
#include "cli/broker_config.hpp"

namespace iot::pub {

Result<std::unique_ptr<mqtt::Session>> make_session(const cli::BrokerOptions& broker, std::string_view tool,
                                                    int max_inflight, int retries, const std::string& connect_timeout) {
  auto config = cli::session_config_from(broker, tool);
  if (!config) return config.error();
  auto timeout = parse_duration(connect_timeout);
  if (!timeout) return make_error(ErrorKind::usage, "usage", "--connect-timeout: " + timeout.error().message);
  config->max_inflight = max_inflight;
  config->retries = retries;
  config->connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout);
  return mqtt::Session::create(std::move(*config));
}

}  // namespace iot::pub
