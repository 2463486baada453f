#include "iot-pub/session_setup.hpp"

#include "cli/broker_config.hpp"

namespace iot::pub {

Result<std::unique_ptr<mqtt::Session>> make_session(const cli::BrokerOptions& broker, std::string_view tool,
                                                    int max_inflight, int retries, std::chrono::milliseconds connect_timeout) {
  auto config = cli::session_config_from(broker, tool);
  if (!config) return config.error();
  config->max_inflight = max_inflight;
  config->retries = retries;
  config->connect_timeout = connect_timeout;
  config->caller_loop = true;  // the publishing thread runs the network (Publisher::wait_for_work)
  return mqtt::Session::create(std::move(*config));
}

}  // namespace iot::pub
