#include "replay/fleet.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>

#include "sign/canonical_json.hpp"
#include "sign/hmac.hpp"
#include "ulid/ulid.hpp"

namespace iot::replay {
namespace {

FleetSpec spec(std::string_view text) { return parse_fleet_spec(text).value(); }

std::vector<SyntheticMessage> all(Fleet& fleet) {
  std::vector<SyntheticMessage> out;
  SyntheticMessage m;
  while (fleet.next(m)) out.push_back(m);
  return out;
}

TEST(Fleet, DeterministicForASeedAndStart) {
  Fleet a(spec("devices=5,duration=10,seed=7,start=1710844800000"), "", "plant/{device_id}/telemetry");
  Fleet b(spec("devices=5,duration=10,seed=7,start=1710844800000"), "", "plant/{device_id}/telemetry");
  Fleet c(spec("devices=5,duration=10,seed=8,start=1710844800000"), "", "plant/{device_id}/telemetry");
  auto ma = all(a), mb = all(b), mc = all(c);
  ASSERT_EQ(ma.size(), 50u);
  for (std::size_t i = 0; i < ma.size(); ++i) EXPECT_EQ(ma[i].line, mb[i].line);
  EXPECT_NE(ma[0].line, mc[0].line);
}

TEST(Fleet, NestedMessagesFollowSeed000) {
  Fleet fleet(spec("devices=3,rate=2,duration=3,start=1710844800000"), "", "site/{device_id}/t");
  auto msgs = all(fleet);
  ASSERT_EQ(msgs.size(), 18u);
  simdjson::dom::parser parser;
  std::set<std::string> ids;
  std::int64_t last_time = 0;
  for (const auto& m : msgs) {
    simdjson::dom::element doc = parser.parse(m.line);
    std::string_view topic = doc["topic"];
    simdjson::dom::element p = doc["payload"];
    std::string_view device = p["device_id"];
    EXPECT_EQ(topic, "site/" + std::string(device) + "/t");
    EXPECT_EQ(std::string_view(p["schema_version"]), "2.1");
    EXPECT_EQ(int64_t(p["seq"]), int64_t(m.seq));
    EXPECT_EQ(int64_t(p["ts"]), m.time_ns / 1000000);
    EXPECT_GE(m.time_ns, last_time);
    last_time = m.time_ns;
    std::string_view msg_id = p["msg_id"];
    auto ulid = ulid::parse(msg_id);
    ASSERT_TRUE(ulid.ok()) << msg_id;
    EXPECT_EQ(std::int64_t(ulid->time_ms), m.time_ns / 1000000);  // ULID time = simulated time
    ids.insert(std::string(msg_id));
    EXPECT_EQ(simdjson::dom::object(p["d"]).size(), 6u);
    int64_t q = p["d"]["temp_inlet_c"]["q"];
    EXPECT_TRUE(q == 192 || q == 68 || q == 0);
    EXPECT_EQ(int64_t(p["meta"]["source_ts"]) + int64_t(p["meta"]["edge_latency_ms"]), int64_t(p["ts"]));
  }
  EXPECT_EQ(ids.size(), msgs.size());
  EXPECT_EQ(msgs.front().line.find("P-0001"), msgs.front().line.find("P-"));
}

TEST(Fleet, FormatUlidMatchesTheUlidLibrary) {
  ulid::Ulid u;
  u.time_ms = 1710844800123;
  for (int i = 0; i < 10; ++i) u.random[i] = std::uint8_t(0x11 * (i + 1));
  std::uint64_t hi = (std::uint64_t(u.random[0]) << 8) | u.random[1], lo = 0;
  for (int i = 2; i < 10; ++i) lo = lo << 8 | u.random[i];
  char out[26];
  ulid::format_to(u.time_ms, hi, lo, out);
  EXPECT_EQ(std::string(out, 26), ulid::format(u));
}

TEST(Fleet, SignedShapeVerifiesAndIsCanonical) {
  Fleet fleet(spec("devices=4,duration=5,shape=signed,start=1710844800000"), "k3y", "p/{device_id}");
  simdjson::dom::parser parser;
  int n = 0;
  for (const auto& m : all(fleet)) {
    simdjson::dom::element doc = parser.parse(m.line);
    simdjson::dom::element signed_payload = doc["payload"];
    EXPECT_EQ(sign::verify_signed(signed_payload, "k3y"), sign::SignatureStatus::ok);
    EXPECT_EQ(sign::verify_signed(signed_payload, "other"), sign::SignatureStatus::bad_signature);
    auto start = m.line.find("\"payload\":{\"d\"") + 10;
    std::string inner = m.line.substr(start, m.line.size() - start - 2);
    EXPECT_EQ(sign::canonical_json(std::string_view(inner)).value(), inner);
    EXPECT_EQ(int64_t(doc["payload"]["payload"]["ts"]) * 1000000000 + int64_t(doc["payload"]["payload"]["ts_ns"]), m.time_ns);
    ++n;
  }
  EXPECT_EQ(n, 20);
}

TEST(Fleet, FailingPumpShowsItsFault) {
  // seed 4 % 5 devices -> P-0005 fails: bad quality and no flow at the end.
  Fleet fleet(spec("devices=5,duration=100,seed=4,start=1710844800000"), "", "p/{device_id}");
  auto msgs = all(fleet);
  const auto& last = msgs.back();
  ASSERT_NE(last.line.find("\"P-0005\""), std::string::npos);
  EXPECT_NE(last.line.find("\"flow_m3h\":{\"v\":0.0,\"q\":0}"), std::string::npos) << last.line;
}

TEST(Fleet, FlatShape) {
  Fleet fleet(spec("devices=2,duration=1,shape=flat,start=1710844800000"), "", "p/{device_id}");
  auto msgs = all(fleet);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].line.rfind(R"({"topic":"p/P-0001","payload":{"v":"2.1","id":"P-0001","t":1710844800000,"ti":)", 0), 0u)
      << msgs[0].line;
}

}  // namespace
}  // namespace iot::replay
