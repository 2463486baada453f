#include "store/alarm_state.hpp"

#include <algorithm>
#include <tuple>

namespace iot::store {

AlarmState fold_alarm_state(std::vector<AlarmEvent> events) {
  std::sort(events.begin(), events.end(), [](const AlarmEvent& a, const AlarmEvent& b) {
    return std::tie(a.ts_ms, a.msg_id) < std::tie(b.ts_ms, b.msg_id);
  });
  AlarmState s;
  for (const auto& e : events) {
    if (e.raise) {
      ++s.raises;
      if (!s.active) {  // a repeated raise continues the active alarm; this one opens an episode
        s.active = true;
        s.first_seen_ms = e.ts_ms;
        s.cleared_at_ms.reset();
      }
      s.last_seen_ms = e.ts_ms;
    } else {
      // A clear whose raise never arrived still ends the alarm; it carries
      // the since of the alarm it ends.
      if (!s.active && !s.first_seen_ms) s.first_seen_ms = e.since_ms;
      if (s.active || !s.cleared_at_ms) s.cleared_at_ms = e.ts_ms;
      s.active = false;
    }
  }
  return s;
}

}  // namespace iot::store
