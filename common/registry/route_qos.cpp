#include "registry/route_qos.hpp"

namespace iot::registry {

int default_qos(RouteKind kind) {
  switch (kind) {
    case RouteKind::readings: return 0;
    case RouteKind::alarm: return 1;
  }
  return 1;  // every other kind: at least once (action, 2, comes with that kind)
}

int route_qos(const Route& route) { return route.qos ? *route.qos : default_qos(route.kind); }

}  // namespace iot::registry
