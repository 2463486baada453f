// What a route's messages are (iot-registry(5), kind): each kind has one
// stored form and a default MQTT QoS (iot-registry(5), qos: sensor data 0,
// alarms 1, actions 2, everything else 1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace iot::registry {

enum class RouteKind { readings, alarm, state, metrics, event, lifecycle, log, job, job_request, action };

// "job_request" -> RouteKind::job_request; none for a name no kind has.
std::optional<RouteKind> parse_route_kind(std::string_view name);
std::string_view route_kind_name(RouteKind kind);
// Every kind's name, comma-separated, for error messages.
std::string route_kind_names();
int default_qos(RouteKind kind);

}  // namespace iot::registry
