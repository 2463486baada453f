#include "iot-ingest/row_builder.hpp"

#include <gtest/gtest.h>

#include "registry/route_engine.hpp"
#include "telemetry/normalize.hpp"

namespace iot::ingest {
namespace {

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& text) { return p.parse(text).value(); }

TEST(RowBuilder, NestedPayloadBecomesRowsWithCapturesAndTags) {
  simdjson::dom::parser p;
  auto payload = parse(p, R"({"schema_version":"2.1","msg_id":"01HX","device_id":"P-007","ts":1710844800123,"seq":5,
    "d":{"temp":{"v":72.4,"q":192},"vib":{"v":0.8,"q":"uncertain"}}})");
  registry::Route route;
  route.table = "plant";
  registry::RouteMatch match;
  match.route = &route;
  match.fields = {{"tenant", "t1"}, {"protocol", "modbus"}, {"site", "DET"}};
  auto messages = telemetry::normalize(payload, match.context(""));
  ASSERT_TRUE(messages) << messages.error().message;
  auto built = build_messages(*messages, match, {{"fw", "2.1"}, {"site", "DET"}});
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

// The messages are built by hand, not by the normalizer: whether the
// normalizer lets a NUL through must not decide whether this path is tested.
telemetry::Message message_with(std::string device_id, std::string metric, std::string unit) {
  telemetry::Message m;
  m.device_id = device_id;
  m.time_ns = 1000000000;
  telemetry::Reading r;
  r.time_ns = 1000000000;
  r.device_id = std::move(device_id);
  r.metric = std::move(metric);
  r.unit = std::move(unit);
  r.value = 1;
  m.readings.push_back(std::move(r));
  return m;
}

TEST(RowBuilder, RefusesNulInIdentifiers) {
  using namespace std::string_literals;
  registry::Route route;
  route.table = "plant";
  registry::RouteMatch match;
  match.route = &route;
  auto clean = build_messages({message_with("a", "m", "C")}, match, {});
  ASSERT_TRUE(clean) << clean.error().message;  // the same message without a NUL is fine
  for (const auto& m : {message_with("a\0b"s, "m", "C"), message_with("a", "m\0x"s, "C"), message_with("a", "m", "C\0"s)}) {
    auto built = build_messages({m}, match, {});
    ASSERT_FALSE(built);
    EXPECT_EQ(built.error().reason, "schema");
  }
  auto with_msg_id = message_with("a", "m", "C");
  with_msg_id.msg_id = "01\0HX"s;
  auto built = build_messages({with_msg_id}, match, {});
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

TEST(RowBuilder, OrderingKeyIsTheSiteTagUnlessATemplateSaysOtherwise) {
  registry::Route route;
  registry::RouteMatch match;
  match.route = &route;
  match.fields = {{"line", "L2"}};
  std::optional<std::string> none, empty = std::string(), templated = std::string("{site}/{line}/{metric}");
  telemetry::Message m = message_with("P-1", "temp", "");
  m.tags = {{"site", "DET"}};
  match.ordering_key = &none;  // no template: the site tag
  auto built = build_messages({m}, match, {});
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_EQ(built->front().rows.front().ordering_key, "DET");
  match.ordering_key = &templated;
  built = build_messages({m}, match, {});
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_EQ(built->front().rows.front().ordering_key, "DET/L2/temp");
  match.ordering_key = &empty;  // "" : unordered, even with a site
  built = build_messages({m}, match, {});
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_EQ(built->front().rows.front().ordering_key, "");
  m.tags.clear();  // no site tag and no template: no key
  match.ordering_key = &none;
  built = build_messages({m}, match, {});
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_EQ(built->front().rows.front().ordering_key, "");
  match.ordering_key = &templated;  // a template naming what the reading lacks is a reject
  built = build_messages({m}, match, {});
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().reason, "schema");
  EXPECT_NE(built.error().message.find("ordering_key"), std::string::npos);
}

// --devices: the table's columns as tags under the route's and the
// payload's; unit.METRIC fills an empty unit; unknown devices counted or,
// under require_known, the line refused.
TEST(RowBuilder, EnrichmentFromTheDeviceTable) {
  auto table = devices::table_from_csv("device_id,site,area,unit.temp\nP-1,table-site,north,degC\n", "t");
  ASSERT_TRUE(table.ok()) << table.error().message;
  registry::Route route;
  registry::RouteMatch match;
  match.route = &route;
  struct Case {
    const char* name;
    std::string device, metric, unit;
    std::map<std::string, std::string> own, route_tags;
    bool require_known;
    std::string want_tags, want_unit, want_error;
    std::uint64_t want_unknown;
  };
  const std::vector<Case> cases = {
      {"table tags and unit", "P-1", "temp", "", {}, {}, false,
       R"({"area":"north","site":"table-site","unit":"degC"})", "degC", "", 0},
      {"payload unit wins, column and tag", "P-1", "temp", "K", {}, {}, false,
       R"({"area":"north","site":"table-site","unit":"K"})", "K", "", 0},
      {"payload unit the same", "P-1", "temp", "degC", {}, {}, false,
       R"({"area":"north","site":"table-site","unit":"degC"})", "degC", "", 0},
      {"other metric: no unit", "P-1", "flow", "", {}, {}, false, R"({"area":"north","site":"table-site"})", "", "", 0},
      {"payload over table", "P-1", "flow", "", {{"site", "own"}}, {}, false, R"({"area":"north","site":"own"})", "",
       "", 0},
      {"route over payload", "P-1", "flow", "", {{"site", "own"}}, {{"site", "route"}}, false,
       R"({"area":"north","site":"route"})", "", "", 0},
      {"unknown device stored as it is", "P-9", "flow", "", {}, {{"plant", "n"}}, false, R"({"plant":"n"})", "", "", 1},
      {"unknown device refused", "P-9", "flow", "", {}, {}, true, "", "", "unknown_device", 0},
  };
  for (const auto& c : cases) {
    auto m = message_with(c.device, c.metric, c.unit);
    m.tags = c.own;
    std::uint64_t unknown = 0;
    auto built = build_messages({m}, match, c.route_tags, Enrichment{&*table, c.require_known, &unknown});
    EXPECT_EQ(unknown, c.want_unknown) << c.name;
    if (!c.want_error.empty()) {
      ASSERT_FALSE(built.ok()) << c.name;
      EXPECT_EQ(built.error().reason, c.want_error) << c.name;
      continue;
    }
    ASSERT_TRUE(built.ok()) << c.name << ": " << built.error().message;
    ASSERT_EQ(built->front().rows.size(), 1u);
    EXPECT_EQ(built->front().rows[0].tags_json, c.want_tags) << c.name;
    EXPECT_EQ(built->front().rows[0].unit, c.want_unit) << c.name;
  }
}

// The rows of a device share its rendered tags (one text, not a copy per
// row); merged tags are worked out once per unit.METRIC variant in a message,
// and each reading still gets its own metric's unit.
TEST(RowBuilder, EnrichedRowsShareTheDevicesTags) {
  auto table = devices::table_from_csv("device_id,site,unit.temp\nP-1,A,degC\n", "t");
  ASSERT_TRUE(table.ok()) << table.error().message;
  registry::Route route;
  registry::RouteMatch match;
  match.route = &route;
  auto m = message_with("P-1", "temp", "");
  for (const char* metric : {"flow", "temp", "flow", "level"})
    m.readings.push_back(message_with("P-1", metric, "").readings[0]);
  auto plain = build_messages({m, m}, match, {}, Enrichment{&*table, false, nullptr});
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  const auto& rows = plain->front().rows;
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].tags_json, R"({"site":"A","unit":"degC"})");
  EXPECT_EQ(rows[1].tags_json, R"({"site":"A"})");
  EXPECT_TRUE(rows[0].tags_json.same_as(rows[2].tags_json));
  EXPECT_TRUE(rows[1].tags_json.same_as(rows[3].tags_json));
  EXPECT_TRUE(rows[1].tags_json.same_as(plain->back().rows[4].tags_json));  // and across messages
  EXPECT_TRUE(rows[0].tags_json.same_as(table->find("P-1")->tags_json_for("temp")));
  EXPECT_EQ(rows[0].unit, "degC");
  EXPECT_EQ(rows[1].unit, "");

  m.tags = {{"line", "L1"}};
  auto merged = build_messages({m}, match, {{"site", "route"}}, Enrichment{&*table, false, nullptr});
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  const auto& merged_rows = merged->front().rows;
  const std::string with_unit = R"({"line":"L1","site":"route","unit":"degC"})";
  const std::string without = R"({"line":"L1","site":"route"})";
  const std::vector<std::string> want = {with_unit, without, with_unit, without, without};
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(merged_rows[i].tags_json, want[i]) << i;
  EXPECT_TRUE(merged_rows[0].tags_json.same_as(merged_rows[2].tags_json));
  EXPECT_TRUE(merged_rows[1].tags_json.same_as(merged_rows[4].tags_json));
}

}  // namespace
}  // namespace iot::ingest
