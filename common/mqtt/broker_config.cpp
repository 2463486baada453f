#include "mqtt/broker_config.hpp"

namespace iot::mqtt {

Result<SessionConfig> session_config_from(const cli::BrokerOptions& o, std::string_view tool) {
  auto endpoint = cli::resolve_broker(o);
  if (!endpoint) return endpoint.error();
  SessionConfig c;
  c.endpoint = std::move(*endpoint);
  c.client_id = o.client_id.empty() ? cli::default_client_id(tool) : o.client_id;
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

}  // namespace iot::mqtt
