// A message of each record kind into rows and notices
// (tools/iot-ingest/record_builder.cpp), and the schema reject, naming the
// kind, of a payload without its kind's shape.
#include "iot-ingest/record_builder.hpp"

#include <gtest/gtest.h>

namespace iot::ingest {
namespace {

using registry::RouteKind;
using store::RecordTable;

struct Case {
  simdjson::dom::parser parser;
  registry::Route route;
  registry::RouteMatch match;
  Result<KindOutput> build(RouteKind kind, const std::string& payload, std::string_view topic = "t") {
    route.kind = kind;
    match.route = &route;
    auto doc = parser.parse(payload);
    EXPECT_FALSE(doc.error()) << payload;
    return build_kind(KindInput{doc.value(), topic, std::nullopt, 5, 7}, match);
  }
};

TEST(RecordBuilder, StateUpsertHistoryAndChannel) {
  Case c;
  c.route.device_template = "{agent}";
  c.route.channel = "tenant:{{{tenant}}}:device:{agent}:state";
  c.match.fields = {{"tenant", "acme"}, {"agent", "a1"}};
  auto out = c.build(RouteKind::state, R"({"msg_id":"s1","ts":1710844800123,"apps":{"web":"running"}})");
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->records.size(), 2u);
  EXPECT_EQ(out->records[0].table, RecordTable::agent_state);
  EXPECT_EQ(out->records[1].table, RecordTable::agent_state_history);
  EXPECT_EQ(out->records[0].device_id, "a1");
  EXPECT_EQ(out->records[0].tenant, "acme");
  EXPECT_EQ(out->records[0].time_ns, 1710844800123000000);
  EXPECT_EQ(out->records[0].json, R"({"msg_id":"s1","ts":1710844800123,"apps":{"web":"running"}})");
  ASSERT_EQ(out->notices.size(), 1u);
  EXPECT_TRUE(out->notices[0].publish);
  EXPECT_EQ(out->notices[0].key, "tenant:{acme}:device:a1:state");
}

TEST(RecordBuilder, MetricsPublishAndSayWhetherStored) {
  Case c;
  c.route.channel = "m:{device_id}";
  c.route.store = true;
  auto out = c.build(RouteKind::metrics, R"({"device_id":"a1","cpu":12.5})");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->records.empty());
  EXPECT_TRUE(out->readings);
  ASSERT_EQ(out->notices.size(), 1u);
  EXPECT_EQ(out->notices[0].key, "m:a1");
  EXPECT_EQ(out->records.size(), 0u);
}

TEST(RecordBuilder, EventTypeFromTopicElsePayloadAndADerivedMsgId) {
  Case c;
  c.match.fields = {{"type", "anomaly"}, {"agent", "a1"}};
  auto out = c.build(RouteKind::event, R"({"severity":"high","score":0.97})", "i/x/a/y/events/anomaly");
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->records.size(), 1u);
  const auto& r = out->records[0];
  EXPECT_EQ(r.table, RecordTable::events);
  EXPECT_EQ(r.name, "anomaly");
  EXPECT_EQ(r.label, "high");
  EXPECT_EQ(r.device_id, "a1");
  EXPECT_EQ(r.time_ns, 5);  // rx_ts: the payload carries no time
  EXPECT_EQ(r.msg_id.size(), 32u);
  // A copy has the same derived msg_id; another payload another one.
  auto copy = c.build(RouteKind::event, R"({"severity":"high","score":0.97})", "i/x/a/y/events/anomaly");
  EXPECT_EQ(copy->msg_id, r.msg_id);
  auto other = c.build(RouteKind::lifecycle, R"({"severity":"high","score":0.98})", "i/x/a/y/events/anomaly");
  EXPECT_NE(other->msg_id, r.msg_id);
  c.match.fields.erase("type");
  auto from_payload = c.build(RouteKind::lifecycle, R"({"type":"startup","version":"1.2"})");
  ASSERT_TRUE(from_payload);
  EXPECT_EQ(from_payload->records[0].name, "startup");
}

TEST(RecordBuilder, LogToStreamAndOrTable) {
  Case c;
  c.match.fields = {{"container", "nginx"}, {"agent", "a1"}};
  c.route.stream = "logs:{agent}";
  c.route.max_len = 100;
  auto out = c.build(RouteKind::log, R"({"message":"GET /","level":"info"})");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->records.empty());  // a stream without store = true: not the table
  ASSERT_EQ(out->notices.size(), 1u);
  EXPECT_FALSE(out->notices[0].publish);
  EXPECT_EQ(out->notices[0].key, "logs:a1");
  EXPECT_EQ(out->notices[0].max_len, 100u);
  c.route.store = true;
  out = c.build(RouteKind::log, R"("plain text line")");
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->records.size(), 1u);
  EXPECT_EQ(out->records[0].text, "plain text line");
  EXPECT_EQ(out->records[0].name, "nginx");
}

TEST(RecordBuilder, JobRequestAndAction) {
  Case c;
  c.match.fields = {{"job_id", "J-42"}, {"agent", "a1"}};
  auto job = c.build(RouteKind::job, R"({"status":"running","progress":40,"ts":"2024-03-19T10:40:00Z"})");
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_EQ(job->records[0].table, RecordTable::agent_job_status);
  EXPECT_EQ(job->records[0].name, "J-42");
  EXPECT_EQ(job->records[0].label, "running");
  EXPECT_EQ(job->records[0].number, 40);
  auto request = c.build(RouteKind::job_request, R"({})");
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->records[0].table, RecordTable::job_requests);
  auto action = c.build(RouteKind::action, R"({"msg_id":"01HX","action":"open"})");
  ASSERT_TRUE(action) << action.error().message;
  EXPECT_EQ(action->records[0].table, RecordTable::actions);
  EXPECT_EQ(action->records[0].msg_id, "01HX");
  EXPECT_EQ(action->records[0].name, "open");
}

TEST(RecordBuilder, EachKindsShapeRefusedAsSchemaNamingTheKind) {
  const std::pair<RouteKind, std::string> bad[] = {
      {RouteKind::job, R"({"progress":1})"},               // no status
      {RouteKind::job, R"({"status":"x","progress":"a"})"},  // progress not a number
      {RouteKind::action, R"({"action":"open"})"},         // no msg_id
      {RouteKind::action, R"({"msg_id":"m"})"},            // no action
      {RouteKind::log, R"({"level":"info"})"},             // no message
      {RouteKind::event, R"({"severity":"low"})"},         // no type
      {RouteKind::state, R"([1,2])"},                      // not an object
      {RouteKind::state, R"({"ts":"yesterday"})"},         // a time that is none
      {RouteKind::action, R"({"msg_id":"","action":"open"})"},  // an empty msg_id is none
      {RouteKind::event, R"({"type":"","severity":"low"})"},   // an empty type is none
      {RouteKind::log, R"("")"},                                // an empty line
      {RouteKind::job_request, R"({"note":"a\u0000b"})"},       // a NUL no column can hold
  };
  for (const auto& [kind, payload] : bad) {
    Case c;
    c.match.fields = {{"agent", "a1"}};
    auto out = c.build(kind, payload);
    ASSERT_FALSE(out) << payload;
    EXPECT_EQ(out.error().reason, "schema");
    EXPECT_EQ(out.error().message.rfind("kind " + std::string(registry::route_kind_name(kind)) + ": ", 0), 0u)
        << out.error().message;
  }
  Case c;  // no device anywhere
  auto out = c.build(RouteKind::job_request, R"({})");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "kind job_request: no device (a device template on the route, or the payload's device_id)");
}

}  // namespace
}  // namespace iot::ingest
