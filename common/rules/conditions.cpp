#include "rules/conditions.hpp"

#include <algorithm>
#include <cmath>

namespace iot::rules {

bool is_bad_quality(int quality) { return quality < 64; }

namespace {

Condition range(const Rule& rule, const Sample& s) {
  Condition c{true, false, s.time_ns, 0};
  c.active = *s.value < *rule.min || *s.value > *rule.max;
  return c;
}

Condition rate(const Rule& rule, ConditionState& st, const Sample& s) {
  Condition c;
  if (st.has_last && s.time_ns <= st.last_ns) return c;  // out of order or the same instant: no rate
  if (st.has_last) {
    double seconds = double(sub_sat(s.time_ns, st.last_ns)) * 1e-9;
    c.known = true;
    c.measure = std::fabs(*s.value - st.last_value) / seconds;
    c.active = c.measure > *rule.rate;
    c.since_ns = s.time_ns;
  }
  st.has_last = true;
  st.last_value = *s.value;
  st.last_ns = s.time_ns;
  return c;
}

Condition stuck(const Rule& rule, ConditionState& st, const Sample& s) {
  Condition c;
  if (st.has_anchor && s.time_ns < st.anchor_ns) return c;
  c.known = true;
  // Readings further apart than the stuck time itself start a new run: a
  // device that said nothing that long is not known to be flat (that is
  // what silence is for).
  bool gap = st.has_anchor && sub_sat(s.time_ns, st.last_ns) > *rule.stuck_ns;
  st.last_ns = std::max(st.last_ns, s.time_ns);
  if (!st.has_anchor || gap || std::fabs(*s.value - st.anchor) > rule.epsilon) {
    st.has_anchor = true;
    st.anchor = *s.value;
    st.anchor_ns = s.time_ns;
  }
  c.since_ns = st.anchor_ns;
  c.measure = double(sub_sat(s.time_ns, st.anchor_ns)) * 1e-9;
  c.active = sub_sat(s.time_ns, st.anchor_ns) >= *rule.stuck_ns;
  return c;
}

Condition bad_quality(const Rule& rule, ConditionState& st, const Sample& s) {
  Condition c;
  if (st.bad_since_ns && s.time_ns < *st.bad_since_ns) return c;
  c.known = true;
  if (!is_bad_quality(s.quality)) {
    st.bad_since_ns.reset();
    c.since_ns = s.time_ns;
    return c;
  }
  if (!st.bad_since_ns) st.bad_since_ns = s.time_ns;
  c.since_ns = *st.bad_since_ns;
  c.measure = double(sub_sat(s.time_ns, *st.bad_since_ns)) * 1e-9;
  c.active = sub_sat(s.time_ns, *st.bad_since_ns) >= *rule.bad_quality_ns;
  return c;
}

}  // namespace

Condition evaluate(CheckKind kind, const Rule& rule, ConditionState& state, const Sample& sample) {
  if (kind == CheckKind::bad_quality) return bad_quality(rule, state, sample);
  if (kind == CheckKind::silence) return {};
  if (!sample.value || is_bad_quality(sample.quality) || !std::isfinite(*sample.value)) return {};
  switch (kind) {
    case CheckKind::range: return range(rule, sample);
    case CheckKind::stuck: return stuck(rule, state, sample);
    case CheckKind::rate: return rate(rule, state, sample);
    default: return {};
  }
}

}  // namespace iot::rules
