// Where the broker is and who we are to it, after the command line's URL,
// flags and environment are combined (cli::resolve_broker builds it). It
// lives here, not in cli, so that the session depends on nothing above it
// (ARCHITECTURE.md "Direction of dependencies").
#pragma once

#include <optional>
#include <string>

namespace iot::mqtt {

struct BrokerEndpoint {
  std::string host = "localhost";
  int port = 1883;
  bool tls = false;
  std::string user;
  std::optional<std::string> password;  // from --password-file or IOT_PASSWORD
};

}  // namespace iot::mqtt
