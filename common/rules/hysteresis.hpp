// An alarm's life (iot-rules(5), HYSTERESIS): raised when its condition
// appears, cleared once the condition has stayed away for clear_after, so a
// value hovering at a limit raises one alarm, not one per reading. A raise
// while raised continues the alarm (nothing is written).
#pragma once

#include <cstdint>
#include <optional>

namespace iot::rules {

struct AlarmState {
  bool raised = false;
  std::int64_t since_ns = 0;                 // when the raised condition started
  std::optional<std::int64_t> calm_since_ns;  // raised, but the condition gone since then
};

enum class Transition { none, raise, clear };

// One observation of the condition at now_ns (since_ns: when an active
// condition started). Returns what changed.
Transition step(AlarmState& state, bool active, std::int64_t since_ns, std::int64_t now_ns,
                std::int64_t clear_after_ns);

}  // namespace iot::rules
