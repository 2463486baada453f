#include "iot-verify/checker.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sign/hmac.hpp"

namespace iot::verify {
namespace {

constexpr std::int64_t now_ms = 1'760'000'000'000;
constexpr std::int64_t now_ns = now_ms * 1'000'000;

// A nested-shape payload, one line.
std::string nested(std::string_view device, std::int64_t seq, std::string_view msg_id, std::int64_t ts_ms = now_ms,
                   int q = 192, int latency = 143) {
  return fmt::format(
      R"({{"schema_version":"2.1","msg_id":"{}","device_id":"{}","device_type":"pump","ts":{},"seq":{},)"
      R"("d":{{"temp_inlet_c":{{"v":72.4,"q":{}}}}},"meta":{{"source_ts":{},"edge_latency_ms":{}}}}})",
      msg_id, device, ts_ms, seq, q, ts_ms - latency, latency);
}

std::string id(int n) { return fmt::format("01HX7K3NBVYD5V2Q3BZ8M{:05d}", n); }

TEST(LineChecker, CountsGoodLinesPerDevice) {
  LineChecker c({});
  EXPECT_TRUE(c.check(nested("P-1", 1, id(1)), false, now_ns).ok);
  EXPECT_TRUE(c.check(nested("P-1", 2, id(2)), false, now_ns).ok);
  EXPECT_TRUE(c.check(nested("P-2", 9, id(3)), false, now_ns).ok);
  const Stats& s = c.stats();
  EXPECT_EQ(s.totals.total, 3u);
  EXPECT_EQ(s.totals.valid, 3u);
  EXPECT_EQ(s.devices.at("P-1").counters.valid, 2u);
  EXPECT_EQ(s.devices.at("P-1").last_seq(), 2);
  EXPECT_EQ(s.devices.at("P-2").last_seq(), 9);
}

TEST(LineChecker, AlarmEnvelopesPassChecked) {
  LineChecker c({});
  std::string alarm =
      R"({"topic":"alarms/P-1/hot/range","payload":{"kind":"alarm","msg_id":"01HX7K3NBVYD5V2Q3BZ8MNRZWK","priority":"high",)"
      R"("state":"raise","rule":"hot","check":"range","device_id":"P-1","metric":"t","value":101,"since":1,"ts":1,)"
      R"("detail":"101 above max 100"},"qos":1})";
  EXPECT_TRUE(c.check(alarm, false, now_ns).ok);
  EXPECT_TRUE(c.messages().empty());  // no readings: rules never see an alarm
  Verdict again = c.check(alarm, false, now_ns);  // QoS 1 delivered it twice
  EXPECT_FALSE(again.ok);
  EXPECT_EQ(again.reason, "duplicate");
  Verdict broken = c.check(R"({"topic":"a","payload":{"kind":"alarm","msg_id":"X"}})", false, now_ns);
  EXPECT_FALSE(broken.ok);
  EXPECT_EQ(broken.reason, "schema");
  EXPECT_NE(broken.detail.find("alarm: state"), std::string::npos) << broken.detail;
  EXPECT_EQ(c.stats().totals.valid, 1u);
  EXPECT_EQ(c.stats().devices.size(), 0u);
}

TEST(LineChecker, BadJsonIsInvalidAndStreamGoesOn) {
  LineChecker c({});
  Verdict v = c.check("{not json", false, now_ns);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.reason, "bad_json");
  EXPECT_FALSE(v.detail.empty());
  EXPECT_EQ(c.check("[1,2]", false, now_ns).reason, "bad_json");
  EXPECT_EQ(c.check("", true, now_ns).reason, "too_large");
  EXPECT_TRUE(c.check(nested("P-1", 1, id(1)), false, now_ns).ok);
  EXPECT_EQ(c.stats().totals.bad_json, 3u);
  EXPECT_EQ(c.stats().totals.invalid, 3u);
  EXPECT_EQ(c.stats().totals.valid, 1u);
}

TEST(LineChecker, DuplicateMsgIdIsInvalidAndDoesNotTouchSeq) {
  LineChecker c({});
  c.check(nested("P-1", 1, id(1)), false, now_ns);
  Verdict v = c.check(nested("P-1", 1, id(1)), false, now_ns);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.reason, "duplicate");
  EXPECT_EQ(c.stats().totals.duplicates, 1u);
  EXPECT_EQ(c.stats().totals.reordered, 0u);
  EXPECT_EQ(c.stats().devices.at("P-1").counters.duplicates, 1u);
}

TEST(LineChecker, GapsAndLateMessagesAreValidFindings) {
  LineChecker c({});
  c.check(nested("P-1", 1, id(1)), false, now_ns);
  c.check(nested("P-1", 4, id(4)), false, now_ns);  // 2..3 missing
  EXPECT_EQ(c.stats().totals.gap_events, 1u);
  EXPECT_EQ(c.stats().totals.missing, 2u);
  EXPECT_TRUE(c.check(nested("P-1", 3, id(3)), false, now_ns).ok);  // late: fills 3
  EXPECT_EQ(c.stats().totals.missing, 1u);
  EXPECT_EQ(c.stats().totals.reordered, 1u);
  EXPECT_EQ(c.stats().devices.at("P-1").counters.missing, 1u);
  EXPECT_EQ(c.stats().devices.at("P-1").last_seq(), 4);
  EXPECT_EQ(c.stats().totals.invalid, 0u);
}

TEST(LineChecker, QualityCodeOutsideOpcUaIsSchemaError) {
  LineChecker c({});
  Verdict v = c.check(nested("P-1", 1, id(1), now_ms, 999), false, now_ns);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.reason, "schema");
  EXPECT_EQ(c.stats().totals.schema_errors, 1u);
}

TEST(LineChecker, TimestampFindings) {
  LineChecker c({});
  EXPECT_TRUE(c.check(nested("P-1", 1, id(1), now_ms + 3'600'000), false, now_ns).ok);
  EXPECT_TRUE(c.check(nested("P-1", 2, id(2), now_ms - 48 * 3'600'000), false, now_ns).ok);
  EXPECT_TRUE(c.check(nested("P-1", 3, id(3), now_ms, 192, 15'000), false, now_ns).ok);
  EXPECT_EQ(c.stats().totals.future_ts, 1u);
  EXPECT_EQ(c.stats().totals.stale_ts, 1u);
  EXPECT_EQ(c.stats().totals.clock_drift, 1u);
}

std::string signed_line(std::string_view payload, std::string_view key) {
  auto s = sign::sign_payload(payload, key);
  EXPECT_TRUE(s.ok());
  return *s;
}

TEST(LineChecker, SignaturesWithAKey) {
  CheckerConfig config;
  config.key = "site-secret";
  LineChecker c(config);
  std::string payload = R"({"humidity":60.64,"temperature":20.52,"ts":1759384453,"ts_ns":920529791,"device_id":"S-1"})";
  std::string good = signed_line(payload, "site-secret");
  EXPECT_TRUE(c.check(good, false, now_ns).ok);
  Verdict forged = c.check(signed_line(payload, "other"), false, now_ns);
  EXPECT_EQ(forged.reason, "bad_signature");
  EXPECT_EQ(forged.detail.rfind("forged", 0), 0u);
  Verdict unsigned_line = c.check(nested("P-1", 1, id(1)), false, now_ns);
  EXPECT_EQ(unsigned_line.reason, "bad_signature");
  EXPECT_EQ(unsigned_line.detail.rfind("missing", 0), 0u);
  // Signed messages without msg_id: the same signed message again is a duplicate.
  EXPECT_EQ(c.check(good, false, now_ns).reason, "duplicate");
  EXPECT_EQ(c.stats().totals.bad_signature, 2u);
}

TEST(LineChecker, AllowUnsignedAcceptsPlainPayloads) {
  CheckerConfig config;
  config.key = "k";
  config.allow_unsigned = true;
  LineChecker c(config);
  EXPECT_TRUE(c.check(nested("P-1", 1, id(1)), false, now_ns).ok);
  EXPECT_EQ(c.check(R"({"hmac":42,"payload":{}})", false, now_ns).reason, "bad_signature");
}

TEST(LineChecker, EnvelopesAreCheckedByTheirPayload) {
  LineChecker c({});
  std::string line = R"({"topic":"plant/P-1/telemetry","qos":1,"payload":)" + nested("P-1", 5, id(5)) + "}";
  EXPECT_TRUE(c.check(line, false, now_ns).ok);
  EXPECT_EQ(c.stats().devices.at("P-1").last_seq(), 5);
  EXPECT_TRUE(c.check(R"({"topic":"t/w","payload_b64":"AAEC"})", false, now_ns).ok);  // raw bytes: unchecked
}

TEST(LineChecker, PastTheCapTheLeastRecentlySeenDeviceIsEvicted) {
  CheckerConfig config;
  config.max_devices = 2;
  LineChecker c(config);
  c.check(nested("A", 1, id(1)), false, now_ns);
  c.check(nested("B", 1, id(2)), false, now_ns);
  c.check(nested("A", 2, id(3)), false, now_ns);  // B is now the oldest
  c.check(nested("C", 1, id(4)), false, now_ns);  // evicts B
  const Stats& s = c.stats();
  EXPECT_EQ(s.devices.size(), 2u);
  EXPECT_EQ(s.devices.evicted(), 1u);
  EXPECT_FALSE(s.devices.contains("B"));
  EXPECT_EQ(s.devices.at("A").counters.valid, 2u);
  EXPECT_EQ(s.totals.valid, 4u);  // every line stays in the totals
  // B comes back with a jump: it starts afresh, no gap (its seq state went with it).
  c.check(nested("B", 50, id(5)), false, now_ns);
  EXPECT_EQ(c.stats().totals.gap_events, 0u);
  EXPECT_EQ(c.stats().devices.at("B").last_seq(), 50);
  EXPECT_EQ(c.stats().devices.evicted(), 2u);  // A went
}

}  // namespace
}  // namespace iot::verify

namespace iot::verify {
namespace {

// Routes of kinds without readings pass what iot-ingest stores as records
// (no readings to check in a state); a reading on an alarm route is refused
// as iot-ingest refuses it.
TEST(LineChecker, RoutesOfOtherKindsPassTheirPayloads) {
  auto registry = registry::Registry::parse(
      "[[route]]\npattern = \"a/{agent}/state\"\nkind = \"state\"\ndevice = \"{agent}\"\n"
      "[[route]]\npattern = \"alarms/#\"\nkind = \"alarm\"\n");
  ASSERT_TRUE(registry.ok()) << registry.error().message;
  CheckerConfig config;
  config.registry = std::make_shared<const registry::Registry>(std::move(*registry));
  LineChecker c(config);
  EXPECT_TRUE(c.check(R"({"topic":"a/a1/state","payload":{"apps":{"web":"running"}}})", false, now_ns).ok);
  Verdict v = c.check(R"({"topic":"alarms/P-1","payload":)" + nested("P-1", 1, id(1)) + "}", false, now_ns);
  EXPECT_EQ(v.reason, "schema");
  EXPECT_EQ(c.stats().totals.valid, 1u);
}

TEST(LineChecker, RegistryRoutesTopicsAndRejectsUnrouted) {
  auto registry = registry::Registry::parse("[[route]]\npattern = \"plant/{device}/telemetry\"\n");
  ASSERT_TRUE(registry.ok()) << registry.error().message;
  CheckerConfig config;
  config.registry = std::make_shared<const registry::Registry>(std::move(*registry));
  LineChecker c(config);
  std::string routed = R"({"topic":"plant/P-1/telemetry","payload":)" + nested("P-1", 1, id(1)) + "}";
  EXPECT_TRUE(c.check(routed, false, now_ns).ok);
  std::string unrouted = R"({"topic":"other/P-1","payload":)" + nested("P-1", 2, id(2)) + "}";
  Verdict v = c.check(unrouted, false, now_ns);
  EXPECT_EQ(v.reason, "no_route");
  EXPECT_EQ(c.stats().totals.schema_errors, 1u);
  // A bare payload (no topic) takes only a catch-all route, as in iot-ingest.
  EXPECT_EQ(c.check(nested("P-1", 3, id(3)), false, now_ns).reason, "no_route");
  auto open = registry::Registry::parse("[[route]]\npattern = \"plant/{device}/telemetry\"\n[[route]]\npattern = \"#\"\n");
  ASSERT_TRUE(open.ok()) << open.error().message;
  config.registry = std::make_shared<const registry::Registry>(std::move(*open));
  LineChecker with_catch_all(config);
  EXPECT_TRUE(with_catch_all.check(nested("P-1", 3, id(3)), false, now_ns).ok);
}

}  // namespace
}  // namespace iot::verify
