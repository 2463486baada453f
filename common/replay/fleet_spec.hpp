// The --synthetic and --inject specifications: "key=value,key=value".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace iot::replay {

enum class FleetShape { nested, flat, signed_payload };

struct FleetSpec {
  std::uint32_t devices = 10;
  double rate = 1.0;  // messages per device per simulated second
  std::vector<std::string> metrics = {"temp_inlet_c", "temp_outlet_c", "pressure_bar",
                                      "flow_m3h",     "vibration_rms", "power_kw"};
  FleetShape shape = FleetShape::nested;
  double duration_s = 60;  // simulated seconds
  std::uint64_t seed = 1;
  std::optional<std::int64_t> start_ms;  // simulated start; default: the current second
};

// Fault rates, each a probability per message (iot-replay(1), --inject).
// stuck, spike and dead are sensor faults (episode_faults.hpp): each a
// probability per message that one starts there; stuck and dead last hold_s
// simulated seconds.
struct InjectSpec {
  double dup = 0, gap = 0, reorder = 0, corrupt = 0, late = 0;
  double stuck = 0, spike = 0, dead = 0;
  double hold_s = 60;
  double total() const { return dup + gap + reorder + corrupt + late + stuck + spike + dead; }
  bool has_episodes() const { return stuck + spike + dead > 0; }
};

// devices=N,rate=R,metrics=a:b:c (also a+b+c),shape=nested|flat|signed,
// duration=S (seconds, or 500ms/5m/2h),seed=K,start=UNIX_MS or ISO 8601.
// Errors are usage errors naming the key at fault.
Result<FleetSpec> parse_fleet_spec(std::string_view text);
// dup=P,gap=P,reorder=P,corrupt=P,late=P,stuck=P,spike=P,dead=P with
// 0 <= P and a sum below 0.5 (faults are kept apart by clean neighbours, see
// fault_injector.hpp), and hold=DURATION (stuck and dead, default 60s).
Result<InjectSpec> parse_inject_spec(std::string_view text);

std::string_view fleet_shape_name(FleetShape shape);

}  // namespace iot::replay
