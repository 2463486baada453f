#include "cli/broker_config.hpp"

namespace iot::cli {

Result<mqtt::SessionConfig> session_config_from(const BrokerOptions& o, std::string_view tool) {
  auto endpoint = resolve_broker(o);
  if (!endpoint) return endpoint.error();
  mqtt::SessionConfig c;
  c.endpoint = std::move(*endpoint);
  c.client_id = o.client_id.empty() ? default_client_id(tool) : o.client_id;
  c.protocol = o.protocol;
  c.keepalive = o.keepalive;
  c.cafile = o.cafile;
  c.certfile = o.certfile;
  c.keyfile = o.keyfile;
  c.insecure = o.insecure;
  if (c.insecure && !c.endpoint.tls)
    return make_error(ErrorKind::usage, "usage", "--insecure only applies to TLS (mqtts:// or --cafile)");
  return c;
}

}  // namespace iot::cli
