// The alarm_state row of one alarm (iot-ingest(1), Tables: alarm_state),
// folded from every distinct raise and clear stored for it. Folding the
// whole stored history, ordered by the alarms' own times, makes the state
// independent of arrival order and of duplicates: a late older raise lands
// before the clear that ended it and does not reopen the alarm.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iot::store {

struct AlarmEvent {
  bool raise = true;
  std::int64_t ts_ms = 0, since_ms = 0;
  std::string msg_id;  // breaks ties of equal times (ULIDs sort by creation)
};

struct AlarmState {
  bool active = false;
  std::optional<std::int64_t> first_seen_ms;  // the raise that opened the latest episode
  std::optional<std::int64_t> last_seen_ms;   // the latest raise
  std::int64_t raises = 0;                    // distinct raise messages, all episodes
  std::optional<std::int64_t> cleared_at_ms;  // the clear that ended the latest episode; none while active
};

// Events in any order, each distinct (the alarms table's unique msg_id).
AlarmState fold_alarm_state(std::vector<AlarmEvent> events);

}  // namespace iot::store
