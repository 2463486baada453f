#include "replay/fault_injector.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

namespace iot::replay {
namespace {

struct Seen {
  std::uint64_t lines = 0, bad_json = 0, duplicates = 0, reordered = 0, gap_events = 0;
  std::map<std::string, std::int64_t> last_seq;
  std::map<std::string, std::set<std::int64_t>> missing;
};

// A small independent verifier with iot-verify(1)'s rules, to check the truth.
Seen verify(const std::deque<OutLine>& lines) {
  Seen s;
  simdjson::dom::parser parser;
  std::set<std::string> ids;
  for (const auto& l : lines) {
    ++s.lines;
    simdjson::dom::element doc;
    if (parser.parse(l.line).get(doc) != simdjson::SUCCESS) {
      ++s.bad_json;
      continue;
    }
    simdjson::dom::element p = doc["payload"];
    std::string id{std::string_view(p["msg_id"])};
    if (!ids.insert(id).second) {
      ++s.duplicates;
      continue;
    }
    std::string dev{std::string_view(p["device_id"])};
    std::int64_t seq = p["seq"];
    auto it = s.last_seq.find(dev);
    if (it == s.last_seq.end()) {
      s.last_seq[dev] = seq;
    } else if (seq > it->second) {
      if (seq > it->second + 1) {
        ++s.gap_events;
        for (auto q = it->second + 1; q < seq; ++q) s.missing[dev].insert(q);
      }
      it->second = seq;
    } else {
      ++s.reordered;
      s.missing[dev].erase(seq);
    }
  }
  return s;
}

TEST(FaultInjector, TruthMatchesWhatAVerifierSees) {
  auto spec = parse_fleet_spec("devices=20,rate=1,duration=300,seed=11,start=1710844800000").value();
  Fleet fleet(spec, "", "p/{device_id}");
  FaultInjector injector(parse_inject_spec("dup=0.02,gap=0.02,reorder=0.02,corrupt=0.02,late=0.02").value(), fleet, 11);
  std::deque<OutLine> out;
  SyntheticMessage m;
  while (fleet.next(m)) injector.push(m, out);
  injector.finish(out);
  const FaultTruth& t = injector.truth();
  Seen s = verify(out);
  std::uint64_t missing = 0;
  for (const auto& [dev, seqs] : s.missing) missing += seqs.size();
  EXPECT_EQ(t.total, s.lines);
  EXPECT_EQ(t.bad_json, s.bad_json);
  EXPECT_EQ(t.duplicates, s.duplicates);
  EXPECT_EQ(t.reordered, s.reordered);
  EXPECT_EQ(t.gap_events, s.gap_events);
  EXPECT_EQ(t.missing, missing);
  // Every fault kind happened (6000 messages at 2% each).
  EXPECT_GT(t.duplicates, 20u);
  EXPECT_GT(t.bad_json, 20u);
  EXPECT_GT(t.late_msgs.size(), 20u);
  EXPECT_GT(t.reordered_msgs.size(), 20u);
  EXPECT_FALSE(t.dropped.empty());
  EXPECT_EQ(t.duplicated_msg_ids.size(), t.duplicates);
  for (const auto& [dev, last] : s.last_seq) EXPECT_EQ(std::uint64_t(last), t.last_seq) << dev;

  std::string json = render_truth_json(t, "nested");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json.substr(0, 200);
  EXPECT_EQ(uint64_t(doc["total"]), t.total);
  EXPECT_EQ(uint64_t(doc["gaps"]["missing"]), t.missing);
  EXPECT_EQ(uint64_t(doc["invalid"]), t.bad_json + t.duplicates);
}

TEST(FaultInjector, NoFaultsPassesEverythingThrough) {
  auto spec = parse_fleet_spec("devices=3,duration=10,start=1710844800000").value();
  Fleet fleet(spec, "", "p/{device_id}");
  Fleet reference(spec, "", "p/{device_id}");
  FaultInjector injector(InjectSpec{}, fleet, 1);
  std::deque<OutLine> out;
  SyntheticMessage m, r;
  while (fleet.next(m)) {
    injector.push(m, out);
    ASSERT_TRUE(reference.next(r));
    ASSERT_EQ(out.back().line, r.line);
  }
  EXPECT_EQ(injector.truth().total, 30u);
  EXPECT_EQ(injector.truth().gap_events, 0u);
}

TEST(FaultInjector, SensorFaultsKeepTheTransportTruthRight) {
  // Dead devices drop seqs: the verifier must still see exactly the truth's gaps.
  auto spec = parse_fleet_spec("devices=20,rate=1,duration=600,seed=3,start=1710844800000").value();
  Fleet fleet(spec, "", "p/{device_id}");
  FaultInjector injector(
      parse_inject_spec("dup=0.01,gap=0.01,reorder=0.01,late=0.01,stuck=0.003,spike=0.003,dead=0.003,hold=20s").value(),
      fleet, 3);
  std::deque<OutLine> out;
  SyntheticMessage m;
  while (fleet.next(m)) injector.push(m, out);
  injector.finish(out);
  const FaultTruth& t = injector.truth();
  Seen s = verify(out);
  std::uint64_t missing = 0;
  for (const auto& [dev, seqs] : s.missing) missing += seqs.size();
  EXPECT_EQ(t.total, s.lines);
  EXPECT_EQ(t.gap_events, s.gap_events);
  EXPECT_EQ(t.missing, missing);
  EXPECT_EQ(t.reordered, s.reordered);
  std::map<std::string_view, int> kinds;
  for (const auto& e : t.episodes) {
    ++kinds[e.fault];
    EXPECT_GT(e.end_seq, e.last_seq);
    EXPECT_LT(e.end_seq, t.last_seq);  // ends before the device's last message
    EXPECT_GT(e.end_ms, e.start_ms);
    EXPECT_EQ(e.metric.has_value(), e.fault != "dead");
  }
  EXPECT_GT(kinds["stuck"], 3);
  EXPECT_GT(kinds["spike"], 3);
  EXPECT_GT(kinds["dead"], 3);

  std::string json = render_truth_json(t, "nested");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(simdjson::dom::array(doc["episodes"]).size(), t.episodes.size());
}

}  // namespace
}  // namespace iot::replay
