#include "rules/evaluator.hpp"

#include <gtest/gtest.h>

#include "support/nanoseconds.hpp"

#include "rules/rules_file.hpp"

namespace iot::rules {
namespace {

using test::s;

RuleSet rules(const char* text) {
  auto set = parse_rules(text, "r.toml");
  EXPECT_TRUE(set) << set.error().message;
  return set ? *set : RuleSet{};
}

telemetry::Message message(const std::string& device, std::int64_t t,
                           std::vector<std::pair<std::string, std::optional<double>>> values, int quality = 192) {
  telemetry::Message m;
  m.device_id = device;
  m.time_ns = t * s;
  for (auto& [metric, v] : values) m.readings.push_back({t * s, device, metric, v, quality, ""});
  return m;
}

// Feeds messages on the stream clock, as iot-verify does, and collects the events.
struct Feed {
  Evaluator ev;
  std::vector<AlarmEvent> events;
  explicit Feed(const char* text) : ev(rules(text)) {}
  void feed(const telemetry::Message& m) {
    auto t = Evaluator::message_time(m);
    ev.advance(*t, events);
    ev.observe(m, *t, events);
  }
};

TEST(Evaluator, GlobsChooseDevicesAndMetrics) {
  Feed run(R"([[rule]]
name = "hot"
device = "P-*"
metric = "temp_*"
range = [0, 100]
)");
  run.feed(message("P-1", 1, {{"temp_in", 150}, {"flow", 150}}));
  run.feed(message("Q-1", 1, {{"temp_in", 150}}));
  ASSERT_EQ(run.events.size(), 1u);
  const AlarmEvent& e = run.events[0];
  EXPECT_TRUE(e.raise);
  EXPECT_EQ(e.rule->name, "hot");
  EXPECT_EQ(e.check, CheckKind::range);
  EXPECT_EQ(e.device_id, "P-1");
  EXPECT_EQ(e.metric, "temp_in");
  EXPECT_EQ(*e.value, 150);
  EXPECT_EQ(e.since_ns, 1 * s);
  EXPECT_EQ(e.time_ns, 1 * s);
  EXPECT_EQ(e.detail, "150 above max 100");
}

TEST(Evaluator, OneAlarmPerFaultThenAClear) {
  Feed run("[[rule]]\nrange = [0, 100]\n");
  for (int t = 1; t <= 3; ++t) run.feed(message("P-1", t, {{"x", 200}}));
  run.feed(message("P-1", 4, {{"x", 50}}));
  run.feed(message("P-1", 5, {{"x", 50}}));
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_TRUE(run.events[0].raise);
  EXPECT_FALSE(run.events[1].raise);
  EXPECT_EQ(run.events[1].since_ns, 1 * s);  // the clear names the alarm's start
  EXPECT_EQ(run.events[1].time_ns, 4 * s);
  EXPECT_EQ(*run.events[1].value, 50);
  EXPECT_EQ(run.ev.raised(), 1u);
  EXPECT_EQ(run.ev.cleared(), 1u);
}

TEST(Evaluator, EachCheckOfARuleHasItsOwnAlarm) {
  Feed run("[[rule]]\nrange = [0, 100]\nrate = 10\n");
  run.feed(message("P-1", 1, {{"x", 50}}));
  run.feed(message("P-1", 2, {{"x", 500}}));  // out of range and 450/s
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].check, CheckKind::range);
  EXPECT_EQ(run.events[1].check, CheckKind::rate);
}

TEST(Evaluator, SilenceOnTheStreamClock) {
  Feed run("[[rule]]\nname = \"watchdog\"\nsilence = \"10s\"\n");
  run.feed(message("A", 0, {{"x", 1}}));
  run.feed(message("B", 0, {{"x", 1}}));
  for (int t = 1; t <= 15; ++t) run.feed(message("B", t, {{"x", 1}}));
  ASSERT_EQ(run.events.size(), 1u);
  const AlarmEvent& raise = run.events[0];
  EXPECT_TRUE(raise.raise);
  EXPECT_EQ(raise.check, CheckKind::silence);
  EXPECT_EQ(raise.device_id, "A");
  EXPECT_EQ(raise.metric, "*");
  EXPECT_FALSE(raise.value);
  EXPECT_EQ(raise.since_ns, 0);
  EXPECT_EQ(raise.time_ns, 10 * s);  // the first moment the clock said 10 s of silence
  run.feed(message("A", 16, {{"x", 1}}));
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_FALSE(run.events[1].raise);
  EXPECT_EQ(run.events[1].device_id, "A");
  EXPECT_EQ(run.events[1].time_ns, 16 * s);
  for (int t = 16; t <= 25; ++t) run.feed(message("B", t, {{"x", 1}}));
  EXPECT_EQ(run.events.size(), 2u);  // A spoke at 16: not silent again before 26
  run.feed(message("B", 26, {{"x", 1}}));
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_TRUE(run.events[2].raise);
}

TEST(Evaluator, SilenceOnAWallClock) {
  Evaluator ev(rules("[[rule]]\nsilence = \"2s\"\n"));
  std::vector<AlarmEvent> out;
  ev.observe(message("A", 0, {{"x", 1}}), 1000 * s, out);  // arrival time, not the message's
  ev.advance(1001 * s, out);
  EXPECT_TRUE(out.empty());
  ev.advance(1002 * s, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].since_ns, 1000 * s);
  ev.advance(1010 * s, out);
  EXPECT_EQ(out.size(), 1u);  // raised once
}

TEST(Evaluator, SilenceHearsOnlyTheMetricsItNames) {
  Feed run("[[rule]]\nmetric = \"flow\"\nsilence = \"5s\"\n");
  run.feed(message("A", 0, {{"flow", 1}}));
  for (int t = 1; t <= 6; ++t) run.feed(message("A", t, {{"temp", 1}}));
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].metric, "flow");
}

TEST(Evaluator, ClearAfterKeepsAFlappingValueOneAlarm) {
  Feed run("[[rule]]\nrange = [0, 100]\nclear_after = \"5s\"\n");
  const double values[] = {101, 99, 101, 99, 99, 99, 99, 99, 99, 99};
  for (int t = 0; t < 10; ++t) run.feed(message("P", t, {{"x", values[t]}}));
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_TRUE(run.events[0].raise);
  EXPECT_FALSE(run.events[1].raise);
  EXPECT_EQ(run.events[1].time_ns, 8 * s);  // calm from 3, cleared 5 s later
}

TEST(Evaluator, StuckAndBadQuality) {
  Feed run("[[rule]]\nstuck = \"3s\"\nbad_quality = \"2s\"\n");
  for (int t = 0; t <= 4; ++t) run.feed(message("P", t, {{"x", 7}}));
  for (int t = 5; t <= 7; ++t) run.feed(message("P", t, {{"x", 8}}, 0));
  run.feed(message("P", 8, {{"x", 9}}));
  ASSERT_EQ(run.events.size(), 4u);
  EXPECT_EQ(run.events[0].check, CheckKind::stuck);
  EXPECT_TRUE(run.events[0].raise);
  EXPECT_EQ(run.events[0].time_ns, 3 * s);
  EXPECT_EQ(run.events[1].check, CheckKind::bad_quality);
  EXPECT_TRUE(run.events[1].raise);
  EXPECT_EQ(run.events[1].since_ns, 5 * s);
  EXPECT_EQ(run.events[1].time_ns, 7 * s);
  // At 8 the value moved (stuck clears) and the quality is good (bad_quality clears).
  EXPECT_EQ(run.events[2].check, CheckKind::stuck);
  EXPECT_FALSE(run.events[2].raise);
  EXPECT_EQ(run.events[3].check, CheckKind::bad_quality);
  EXPECT_FALSE(run.events[3].raise);
}

TEST(Evaluator, NewNamesBeyondTheCapAreCountedNotTracked) {
  Evaluator ev(rules("[[rule]]\nrange = [0, 1]\nsilence = \"1s\"\n"), 2);
  std::vector<AlarmEvent> out;
  ev.observe(message("A", 1, {{"x", 5}}), 1 * s, out);
  ev.observe(message("B", 1, {{"x", 5}}), 1 * s, out);
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(ev.untracked(), 0u);
  ev.observe(message("C", 1, {{"x", 5}}), 1 * s, out);  // a third device: over the cap
  EXPECT_EQ(out.size(), 2u);
  EXPECT_GT(ev.untracked(), 0u);
  ev.observe(message("A", 2, {{"x", 0.5}}), 2 * s, out);  // known ones go on
  EXPECT_EQ(out.size(), 3u);
}

TEST(Evaluator, MessageTime) {
  telemetry::Message m;
  EXPECT_FALSE(Evaluator::message_time(m));
  m.readings.push_back({5, "d", "a", 1.0, 192, ""});
  m.readings.push_back({9, "d", "b", 1.0, 192, ""});
  EXPECT_EQ(*Evaluator::message_time(m), 9);
  m.time_ns = 3;
  EXPECT_EQ(*Evaluator::message_time(m), 3);
}

}  // namespace
}  // namespace iot::rules
