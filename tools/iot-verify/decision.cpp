#include "iot-verify/decision.hpp"

#include <fmt/format.h>

#include "core/exit_codes.hpp"

namespace iot::verify {

Decision decide(const VerifyOptions& s, const Counters& t) {
  Decision d;
  auto problem = [&](std::string why) {
    d.code = exit_code::problems;
    d.reasons.push_back(std::move(why));
  };
  if (s.expect_count && t.total != *s.expect_count)
    problem(fmt::format("expected {} lines, read {}", *s.expect_count, t.total));
  if (s.max_gap && t.missing > *s.max_gap)
    problem(fmt::format("{} seqs missing, more than --max-gap {}", t.missing, *s.max_gap));
  if (!s.expect_file.empty()) return d;  // invalid lines and findings were expected: differences() decides
  if (s.filter) {
    if (s.strict && t.invalid) problem(fmt::format("{} lines rejected (--strict)", t.invalid));
    return d;
  }
  if (t.invalid) problem(fmt::format("{} invalid lines", t.invalid));
  if (s.strict && (t.findings() || t.missing))
    problem(fmt::format("findings under --strict: {} gaps, {} reordered, {} future, {} stale, {} clock drift",
                        t.gap_events, t.reordered, t.future_ts, t.stale_ts, t.clock_drift));
  return d;
}

}  // namespace iot::verify
