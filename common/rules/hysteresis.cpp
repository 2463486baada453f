#include "rules/hysteresis.hpp"

#include "rules/rule.hpp"

namespace iot::rules {

Transition step(AlarmState& s, bool active, std::int64_t since_ns, std::int64_t now_ns, std::int64_t clear_after_ns) {
  if (active) {
    s.calm_since_ns.reset();
    if (s.raised) return Transition::none;
    s.raised = true;
    s.since_ns = since_ns;
    return Transition::raise;
  }
  if (!s.raised) return Transition::none;
  if (!s.calm_since_ns) s.calm_since_ns = now_ns;
  if (sub_sat(now_ns, *s.calm_since_ns) < clear_after_ns) return Transition::none;
  s.raised = false;
  s.calm_since_ns.reset();
  return Transition::clear;
}

}  // namespace iot::rules
