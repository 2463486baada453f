// The MQTT QoS of a registry route (iot-registry(5), qos): the route's own
// qos key, else its kind's default. iot-sub --registry subscribes each
// route's filter at it, iot-pub --registry publishes at it.
#pragma once

#include "registry/registry.hpp"

namespace iot::registry {

// readings 0 (a lost reading is followed by the next), alarm 1 (a duplicate
// continues the same alarm), action 2, every other kind 1.
int default_qos(RouteKind kind);
int route_qos(const Route& route);

}  // namespace iot::registry
