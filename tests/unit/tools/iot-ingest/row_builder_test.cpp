#include "iot-ingest/row_builder.hpp"

#include <gtest/gtest.h>

#include "iot-ingest/router.hpp"
#include "telemetry/normalize.hpp"

namespace iot::ingest {
namespace {

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& text) { return p.parse(text).value(); }

TEST(RowBuilder, NestedPayloadBecomesRowsWithCapturesAndTags) {
  simdjson::dom::parser p;
  auto payload = parse(p, R"({"schema_version":"2.1","msg_id":"01HX","device_id":"P-007","ts":1710844800123,"seq":5,
    "d":{"temp":{"v":72.4,"q":192},"vib":{"v":0.8,"q":"uncertain"}}})");
  std::map<std::string, std::string> fields = {{"tenant", "t1"}, {"protocol", "modbus"}, {"site", "DET"}};
  telemetry::NormalizeContext ctx;
  ctx.fields = &fields;
  auto messages = telemetry::normalize(payload, ctx);
  ASSERT_TRUE(messages) << messages.error().message;
  Route route;
  route.tags = {{"site", "{site}"}, {"fw", "{schema_version}"}};
  route.table = "plant";
  auto built = build_messages(*messages, fields, payload, route);
  ASSERT_TRUE(built) << built.error().message;
  ASSERT_EQ(built->size(), 1u);
  const auto& m = built->front();
  EXPECT_EQ(m.device_id, "P-007");
  EXPECT_EQ(m.msg_id, "01HX");
  EXPECT_EQ(m.seq, 5);
  ASSERT_EQ(m.rows.size(), 2u);
  for (const auto& r : m.rows) {
    EXPECT_EQ(r.time_ns, 1710844800123000000);
    EXPECT_EQ(r.tenant, "t1");
    EXPECT_EQ(r.protocol, "modbus");
    EXPECT_EQ(r.table, "plant");
    EXPECT_EQ(r.tags_json, R"({"fw":"2.1","site":"DET"})");
  }
}

TEST(RowBuilder, RefusesNulInIdentifiers) {
  simdjson::dom::parser p;
  auto payload = parse(p, R"({"device_id":"a\u0000b","ts":1,"d":{"m":{"v":1,"q":192}}})");
  telemetry::NormalizeContext ctx;
  auto messages = telemetry::normalize(payload, ctx);
  if (!messages) GTEST_SKIP() << "the normalizer refused it already: " << messages.error().message;
  auto built = build_messages(*messages, {}, payload, Route{});
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().reason, "schema");
}

TEST(RowBuilder, WaveformMetadataLine) {
  simdjson::dom::parser p;
  auto payload = parse(p, R"({"upload_id":"u1","status":"ok","device_id":"P-7","ts":1000,"sample_rate_hz":10000,
    "sample_count":4096,"format":"f32","sha256":"ab","blob":"blobs/ab/ab.lz4","rms":1.5,"peak":3,"crest_factor":2,
    "dominant":[{"hz":50,"magnitude":1}]})");
  ASSERT_TRUE(is_waveform_line(payload));
  auto w = build_waveform(payload);
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->upload_id, "u1");
  EXPECT_EQ(w->time_ns, 1000000000);
  EXPECT_EQ(w->sample_count, 4096);
  EXPECT_EQ(w->crest, 2);
  EXPECT_EQ(w->dominant_hz_json, R"([{"hz":50,"magnitude":1}])");
  auto incomplete = parse(p, R"({"upload_id":"u2","status":"incomplete","missing":[3]})");
  auto r = build_waveform(incomplete);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "waveform_incomplete");
  EXPECT_FALSE(is_waveform_line(parse(p, R"({"device_id":"x","ts":1,"d":{}})")));
}

TEST(Router, FirstMatchWinsAndNoRouteWithARegistry) {
  Router plain(Route{});
  std::map<std::string, std::string> f;
  EXPECT_NE(plain.resolve("anything", f), nullptr);
  Router r(Route{});
  Route kpi;
  kpi.table = "kpi";
  ASSERT_TRUE(r.add("FCTS/FAE/{site}/SolvExtract/{pi_tag}", kpi));
  ASSERT_TRUE(r.add("plant/{device_id}/telemetry", Route{}));
  f.clear();
  const Route* hit = r.resolve("FCTS/FAE/S1/SolvExtract/FI-101", f);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->table, "kpi");
  EXPECT_EQ(f["site"], "S1");
  EXPECT_EQ(f["pi_tag"], "FI-101");
  f.clear();
  EXPECT_EQ(r.resolve("other/topic", f), nullptr);
  EXPECT_EQ(r.resolve("", f), nullptr);
}

TEST(Template, FillsKnownNames) {
  EXPECT_EQ(fill_template("tenant:{tenant}:agent:devices:ingestion", {{"tenant", "t1"}}),
            "tenant:t1:agent:devices:ingestion");
  EXPECT_EQ(fill_template("{missing}-x", {}), "-x");
}

}  // namespace
}  // namespace iot::ingest
