// The deadband filter (common/telemetry/deadband.cpp), table-driven: each
// case is a sequence of readings and whether each one goes on.
#include "telemetry/deadband.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace iot::telemetry {
namespace {

struct Step {
  const char* device;
  const char* metric;
  std::optional<double> value;
  int quality;
  std::int64_t time_s;
  bool sent;
};

struct Case {
  const char* name;
  std::vector<const char*> specs;
  std::int64_t heartbeat_s;
  std::vector<Step> steps;
};

constexpr std::int64_t s = 1'000'000'000;

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"abs: strictly beyond the band, measured from the last value SENT",
       {"temp_*=abs:0.5"}, 0,
       {{"P-1", "temp_in", 20.0, 192, 0, true},
        {"P-1", "temp_in", 20.5, 192, 1, false},   // exactly the band: inside
        {"P-1", "temp_in", 20.4, 192, 2, false},
        {"P-1", "temp_in", 20.6, 192, 3, true},    // 0.6 from 20.0
        {"P-1", "temp_in", 21.0, 192, 4, false},   // 0.4 from 20.6 (not from 20.4)
        {"P-1", "temp_in", 20.0, 192, 5, true}}},  // downwards too
      {"pct: relative to the last value sent; from zero any change goes",
       {"*=pct:10"}, 0,
       {{"D", "flow", 100.0, 192, 0, true},
        {"D", "flow", 109.0, 192, 1, false},
        {"D", "flow", 111.0, 192, 2, true},
        {"D", "flow", -121.0, 192, 3, true},
        {"D", "flow", -130.0, 192, 4, false},      // |9| <= 12.1 of |-121|
        {"E", "z", 0.0, 192, 0, true},
        {"E", "z", 0.0, 192, 1, false},
        {"E", "z", 1e-9, 192, 2, true}}},
      {"state per (device, metric): one device's value does not move another's band",
       {"*=abs:1"}, 0,
       {{"A", "t", 10.0, 192, 0, true},
        {"B", "t", 10.5, 192, 0, true},            // B's first
        {"A", "p", 10.5, 192, 0, true},            // A's other metric: its first
        {"A", "t", 10.5, 192, 1, false},
        {"B", "t", 11.0, 192, 1, false},
        {"A", "p", 12.0, 192, 1, true}}},
      {"a quality change always goes, in band or not; then the band restarts there",
       {"*=abs:5"}, 0,
       {{"P", "v", 1.0, 192, 0, true},
        {"P", "v", 1.0, 68, 1, true},
        {"P", "v", 1.0, 68, 2, false},
        {"P", "v", 1.1, 0, 3, true},
        {"P", "v", 1.1, 192, 4, true},
        {"P", "v", 2.0, 192, 5, false}}},
      {"null and number: a change between them goes, null after null does not",
       {"*=abs:1"}, 0,
       {{"P", "v", std::nullopt, 192, 0, true},
        {"P", "v", std::nullopt, 192, 1, false},
        {"P", "v", 3.0, 192, 2, true},
        {"P", "v", std::nullopt, 192, 3, true}}},
      {"heartbeat: an unchanged reading goes once the last one sent is that old",
       {"*=abs:1"}, 10,
       {{"P", "v", 5.0, 192, 0, true},
        {"P", "v", 5.0, 192, 9, false},
        {"P", "v", 5.0, 192, 10, true},            // heartbeat due (>= 10 s)
        {"P", "v", 5.0, 192, 15, false},           // counted from 10, not 0
        {"P", "v", 9.0, 192, 17, true},            // band: resets the heartbeat too
        {"P", "v", 9.0, 192, 26, false},
        {"P", "v", 9.0, 192, 27, true},
        {"P", "v", 9.0, 192, 20, false}}},         // time going back is no heartbeat
      {"first matching rule wins; a metric no rule matches always goes",
       {"temp_*=abs:10", "temp_outlet=abs:0", "pres?=pct:50"}, 0,
       {{"P", "temp_outlet", 1.0, 192, 0, true},
        {"P", "temp_outlet", 5.0, 192, 1, false},  // temp_* (10) wins over temp_outlet (0)
        {"P", "pres1", 2.0, 192, 0, true},
        {"P", "pres1", 2.9, 192, 1, false},
        {"P", "pres12", 2.0, 192, 0, true},
        {"P", "pres12", 2.0, 192, 1, true},        // '?' is one character: no rule
        {"P", "flow", 1.0, 192, 0, true},
        {"P", "flow", 1.0, 192, 1, true}}},
      {"abs:0 sends every change and nothing else",
       {"abs:0"}, 0,
       {{"P", "v", 1.0, 192, 0, true},
        {"P", "v", 1.0, 192, 1, false},
        {"P", "v", 1.0000001, 192, 2, true}}},
  };
  return table;
}

TEST(Deadband, Table) {
  for (const Case& c : cases()) {
    std::vector<DeadbandRule> rules;
    for (const char* spec : c.specs) {
      auto r = parse_deadband_rule(spec);
      ASSERT_TRUE(r.ok()) << c.name << ": " << r.error().message;
      rules.push_back(*r);
    }
    DeadbandFilter filter(rules, c.heartbeat_s * s);
    std::uint64_t sent = 0;
    for (std::size_t i = 0; i < c.steps.size(); ++i) {
      const Step& st = c.steps[i];
      EXPECT_EQ(filter.admit(st.device, st.metric, st.value, st.quality, st.time_s * s), st.sent)
          << c.name << ", step " << i;
      sent += st.sent;
    }
    EXPECT_EQ(filter.admitted(), sent) << c.name;
    EXPECT_EQ(filter.suppressed(), c.steps.size() - sent) << c.name;
  }
}

// A device id flood must not grow the state past --max-devices: the least
// recently seen device is forgotten (and counted), and its next reading,
// even one inside its old band, is sent as its first.
TEST(Deadband, DeviceStateIsCapped) {
  DeadbandFilter filter({*parse_deadband_rule("*=abs:1")}, 0, 2);
  EXPECT_TRUE(filter.admit("A", "t", 10.0, 192, 0));
  EXPECT_TRUE(filter.admit("B", "t", 10.0, 192, 0));
  EXPECT_FALSE(filter.admit("A", "t", 10.5, 192, 1));  // A is now the most recent
  EXPECT_TRUE(filter.admit("C", "t", 10.0, 192, 1));   // full: B, the least recent, goes
  EXPECT_EQ(filter.devices(), 2u);
  EXPECT_EQ(filter.evicted(), 1u);
  EXPECT_FALSE(filter.admit("A", "t", 10.2, 192, 2));  // A was kept
  EXPECT_TRUE(filter.admit("B", "t", 10.2, 192, 2));   // B starts afresh: sent though in band
  EXPECT_EQ(filter.evicted(), 2u);                     // ... and C made room for it
  for (int i = 0; i < 10000; ++i) filter.admit("flood-" + std::to_string(i), "t", 1.0, 192, 3);
  EXPECT_EQ(filter.devices(), 2u);
  EXPECT_EQ(filter.evicted(), 10002u);
}

// Past kMaxMetricsPerDevice metrics a device's new metric is not
// remembered: it always goes on, and the state stops growing.
TEST(Deadband, MetricsPerDeviceAreCapped) {
  DeadbandFilter filter({*parse_deadband_rule("*=abs:1")}, 0);
  for (std::size_t i = 0; i < DeadbandFilter::kMaxMetricsPerDevice; ++i)
    ASSERT_TRUE(filter.admit("D", "m" + std::to_string(i), 5.0, 192, 0));
  EXPECT_FALSE(filter.admit("D", "m0", 5.5, 192, 1));     // remembered: inside the band
  EXPECT_TRUE(filter.admit("D", "extra", 5.0, 192, 1));   // past the cap
  EXPECT_TRUE(filter.admit("D", "extra", 5.0, 192, 2));   // not remembered, so sent again
  EXPECT_EQ(filter.suppressed(), 1u);
}

// Metric names are kept once for the fleet, up to kMaxMetricNames: a
// metric-name flood does not grow the filter either.
TEST(Deadband, MetricNamesAreCapped) {
  DeadbandFilter filter({*parse_deadband_rule("*=abs:1")}, 0);
  for (std::size_t i = 0; i < DeadbandFilter::kMaxMetricNames; ++i)
    filter.admit("dev-" + std::to_string(i % 1000), "name-" + std::to_string(i), 1.0, 192, 0);
  EXPECT_FALSE(filter.admit("dev-0", "name-0", 1.5, 192, 1));  // known: inside the band
  EXPECT_TRUE(filter.admit("dev-0", "one-too-many", 1.0, 192, 1));
  EXPECT_TRUE(filter.admit("dev-0", "one-too-many", 1.0, 192, 2));  // not remembered
}

TEST(Deadband, ParsesSpecs) {
  struct Spec {
    const char* text;
    bool ok;
    const char* glob;
    DeadbandRule::Kind kind;
    double threshold;
  };
  const Spec specs[] = {
      {"temp_*=abs:0.2", true, "temp_*", DeadbandRule::Kind::absolute, 0.2},
      {"*=pct:1", true, "*", DeadbandRule::Kind::percent, 1},
      {"pct:2.5", true, "*", DeadbandRule::Kind::percent, 2.5},
      {"a=b=abs:1", true, "a=b", DeadbandRule::Kind::absolute, 1},  // the last '=' splits
      {"x=abs:", false, "", {}, 0},
      {"x=abs:1e", false, "", {}, 0},
      {"x=abs:-1", false, "", {}, 0},
      {"x=abs:inf", false, "", {}, 0},
      {"x=rel:1", false, "", {}, 0},
      {"x=1", false, "", {}, 0},
      {"=abs:1", false, "", {}, 0},
      {"", false, "", {}, 0},
  };
  for (const Spec& sp : specs) {
    auto r = parse_deadband_rule(sp.text);
    ASSERT_EQ(r.ok(), sp.ok) << sp.text;
    if (!sp.ok) {
      EXPECT_EQ(r.error().kind, ErrorKind::usage) << sp.text;
      EXPECT_NE(r.error().message.find(sp.text), std::string::npos) << r.error().message;
      continue;
    }
    EXPECT_EQ(r->metric_glob, sp.glob);
    EXPECT_EQ(r->kind, sp.kind);
    EXPECT_DOUBLE_EQ(r->threshold, sp.threshold);
  }
}

}  // namespace
}  // namespace iot::telemetry
