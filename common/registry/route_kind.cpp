#include "registry/route_kind.hpp"

namespace iot::registry {
namespace {

struct KindInfo {
  RouteKind kind;
  std::string_view name;
  int qos;
};

// One line a kind: its name in the registry and its default QoS.
constexpr KindInfo kinds[] = {
    {RouteKind::readings, "readings", 0}, {RouteKind::alarm, "alarm", 1},
    {RouteKind::state, "state", 1},       {RouteKind::metrics, "metrics", 1},
    {RouteKind::event, "event", 1},       {RouteKind::lifecycle, "lifecycle", 1},
    {RouteKind::log, "log", 1},           {RouteKind::job, "job", 1},
    {RouteKind::job_request, "job_request", 1}, {RouteKind::action, "action", 2},
};

const KindInfo& info(RouteKind kind) {
  for (const auto& k : kinds)
    if (k.kind == kind) return k;
  return kinds[0];
}

}  // namespace

std::optional<RouteKind> parse_route_kind(std::string_view name) {
  for (const auto& k : kinds)
    if (k.name == name) return k.kind;
  return std::nullopt;
}

std::string_view route_kind_name(RouteKind kind) { return info(kind).name; }

std::string route_kind_names() {
  std::string out;
  for (const auto& k : kinds) {
    if (!out.empty()) out += ", ";
    out += k.name;
  }
  return out;
}

int default_qos(RouteKind kind) { return info(kind).qos; }

}  // namespace iot::registry
