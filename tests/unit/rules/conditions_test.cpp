#include "rules/conditions.hpp"

#include <gtest/gtest.h>

#include "support/nanoseconds.hpp"

#include <vector>

namespace iot::rules {
namespace {

using test::s;

// One reading fed to a check and what the check must say about it.
struct CheckStep {
  std::int64_t t;               // seconds
  std::optional<double> value;
  int quality;
  bool known;
  bool active;
  std::int64_t since;           // seconds; checked when active
};

void run(CheckKind kind, const Rule& rule, const std::vector<CheckStep>& steps) {
  ConditionState state;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const CheckStep& st = steps[i];
    Condition c = evaluate(kind, rule, state, Sample{st.t * s, st.value, st.quality});
    EXPECT_EQ(c.known, st.known) << check_name(kind) << " step " << i;
    EXPECT_EQ(c.active, st.active) << check_name(kind) << " step " << i;
    if (st.active) {
      EXPECT_EQ(c.since_ns, st.since * s) << check_name(kind) << " step " << i;
    }
  }
}

TEST(Conditions, Range) {
  Rule r;
  r.min = 0;
  r.max = 100;
  run(CheckKind::range, r,
      {
          {1, 50, 192, true, false, 0},
          {2, 100, 192, true, false, 0},   // the limits are in range
          {3, 100.5, 192, true, true, 3},
          {4, -0.1, 68, true, true, 4},    // uncertain values count
          {5, 500, 0, false, false, 0},    // a bad-quality value says nothing
          {6, std::nullopt, 192, false, false, 0},
          {7, 0, 192, true, false, 0},
      });
}

TEST(Conditions, Stuck) {
  Rule r;
  r.stuck_ns = 10 * s;
  r.epsilon = 0.05;
  run(CheckKind::stuck, r,
      {
          {0, 4.0, 192, true, false, 0},
          {5, 4.02, 192, true, false, 0},   // within epsilon of the run's first value
          {9, 3.96, 192, true, false, 0},
          {10, 4.0, 192, true, true, 0},    // 10 s unchanged
          {12, 4.05, 192, true, true, 0},   // exactly epsilon: still unchanged
          {13, 7, 0, false, false, 0},      // bad quality: skipped
          {14, 4.2, 192, true, false, 0},   // moved: a new run starts at 14
          {20, 4.2, 192, true, false, 0},
          {24, 4.2, 192, true, true, 14},
          {23, 4.2, 192, true, false, 0},  // an older reading within the run: judged by its own time
      });
}

TEST(Conditions, StuckRunsBreakAtGapsLongerThanTheStuckTime) {
  Rule r;
  r.stuck_ns = 10 * s;
  run(CheckKind::stuck, r,
      {
          {0, 5, 192, true, false, 0},
          {9, 5, 192, true, false, 0},
          {20, 5, 192, true, false, 0},  // 11 s without a reading: a new run from 20
          {29, 5, 192, true, false, 0},
          {30, 5, 192, true, true, 20},
      });
}

TEST(Conditions, StuckIgnoresReadingsBeforeTheRun) {
  Rule r;
  r.stuck_ns = 10 * s;
  run(CheckKind::stuck, r, {{10, 1, 192, true, false, 0}, {5, 1, 192, false, false, 0}});
}

TEST(Conditions, Rate) {
  Rule r;
  r.rate = 2;  // per second
  run(CheckKind::rate, r,
      {
          {0, 10, 192, false, false, 0},   // the first reading has no rate
          {1, 11.5, 192, true, false, 0},  // 1.5/s
          {2, 14, 192, true, true, 2},     // 2.5/s
          {4, 18, 192, true, false, 0},    // 2/s: not over
          {4, 30, 192, false, false, 0},   // the same instant: no rate
          {3, 0, 192, false, false, 0},    // older: skipped
          {5, 10, 192, true, true, 5},     // -8/s
          {6, 99, 0, false, false, 0},     // bad quality: skipped
          {7, 11, 192, true, false, 0},    // 0.5/s since the last good reading
      });
}

TEST(Conditions, BadQuality) {
  Rule r;
  r.bad_quality_ns = 60 * s;
  run(CheckKind::bad_quality, r,
      {
          {0, 1, 192, true, false, 0},
          {10, std::nullopt, 0, true, false, 0},  // bad for 0 s
          {40, 1, 0, true, false, 0},
          {70, 1, 12, true, true, 10},            // 60 s bad
          {80, 1, 68, true, false, 0},            // uncertain is not bad
          {90, 1, 0, true, false, 0},
          {150, 1, 0, true, true, 90},
      });
}

TEST(Conditions, SilenceIsNotAReadingCheck) {
  Rule r;
  r.silence_ns = s;
  ConditionState st;
  EXPECT_FALSE(evaluate(CheckKind::silence, r, st, Sample{0, 1.0, 192}).known);
}

TEST(Conditions, BadQualityCodes) {
  EXPECT_TRUE(is_bad_quality(0));
  EXPECT_TRUE(is_bad_quality(63));
  EXPECT_FALSE(is_bad_quality(64));
  EXPECT_FALSE(is_bad_quality(68));
  EXPECT_FALSE(is_bad_quality(192));
}

}  // namespace
}  // namespace iot::rules
