#include "iot-verify/report.hpp"

#include <gtest/gtest.h>

#include "support/seq_state.hpp"

#include <map>
#include <nlohmann/json.hpp>

namespace iot::verify {
namespace {

using test::seq_at;

Stats sample() {
  Stats s;
  s.totals.total = 12;
  s.totals.valid = 10;
  s.totals.invalid = 2;
  s.totals.bad_signature = 1;
  s.totals.duplicates = 1;
  s.totals.gap_events = 1;
  s.totals.missing = 3;
  s.totals.reordered = 1;
  DeviceStats& a = s.devices["P-001"];
  a.counters.total = a.counters.valid = 6;
  a.seq = seq_at(42);
  DeviceStats& b = s.devices["P-002"];
  b.counters = s.totals;
  b.counters.total = 5;
  b.counters.valid = 3;
  b.seq = seq_at(7);
  return s;
}

TEST(RenderJson, HasTheDesignFieldsInOrder) {
  auto j = nlohmann::ordered_json::parse(render_json(sample()));
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"total", "valid", "invalid", "bad_json", "bad_signature", "schema_errors",
                                             "duplicates", "gaps", "reordered", "future_ts", "stale_ts",
                                             "clock_drift", "tracked_devices", "evicted_devices",
                                             "report_devices", "devices"}));
  EXPECT_EQ(j["total"], 12);
  EXPECT_EQ(j["gaps"]["events"], 1);
  EXPECT_EQ(j["gaps"]["missing"], 3);
  EXPECT_EQ(j["devices"]["P-001"]["last_seq"], 42);
  EXPECT_EQ(j["devices"]["P-002"]["duplicates"], 1);
  EXPECT_EQ(j["devices"].begin().key(), "P-001");  // sorted by id
}

// The report as a JSON library writes the same document, compact: the
// text writer must say exactly that, for every device of a larger fleet.
std::string as_document(const Stats& stats, ReportDevices which = ReportDevices::all) {
  auto counters = [](const Counters& c) {
    nlohmann::ordered_json j;
    for (auto [k, v] : std::initializer_list<std::pair<const char*, std::uint64_t>>{
             {"total", c.total}, {"valid", c.valid}, {"invalid", c.invalid}, {"bad_json", c.bad_json},
             {"bad_signature", c.bad_signature}, {"schema_errors", c.schema_errors}, {"duplicates", c.duplicates}})
      j[k] = v;
    j["gaps"] = {{"events", c.gap_events}, {"missing", c.missing}};
    j["reordered"] = c.reordered;
    j["future_ts"] = c.future_ts;
    j["stale_ts"] = c.stale_ts;
    j["clock_drift"] = c.clock_drift;
    return j;
  };
  nlohmann::ordered_json doc = counters(stats.totals);
  std::map<std::string, const DeviceStats*> sorted;
  stats.devices.for_each([&](std::string_view id, const DeviceStats& d) { sorted.emplace(id, &d); });
  nlohmann::ordered_json devices = nlohmann::ordered_json::object();
  for (const auto& [id, d] : sorted) {
    if (which == ReportDevices::none || (which == ReportDevices::problems && !d->counters.problems())) continue;
    auto dj = counters(d->counters);
    dj["last_seq"] = d->last_seq() ? nlohmann::ordered_json(*d->last_seq()) : nlohmann::ordered_json(nullptr);
    devices[id] = dj;
  }
  doc["tracked_devices"] = stats.devices.size();
  doc["evicted_devices"] = stats.devices.evicted();
  doc["report_devices"] = std::string(report_devices_name(which));
  doc["devices"] = devices;
  return doc.dump() + "\n";
}

TEST(RenderJson, SameBytesAsTheDocumentAJsonLibraryWrites) {
  EXPECT_EQ(render_json(sample()), as_document(sample()));
  Stats fleet = sample();
  for (int i = 0; i < 500; ++i) {
    DeviceStats& d = fleet.devices["D-" + std::to_string((i * 7919) % 1000)];
    d.counters.total = i;
    d.counters.missing = i % 3;
    if (i % 2) d.seq = seq_at(i);
  }
  EXPECT_EQ(render_json(fleet), as_document(fleet));
  EXPECT_EQ(render_json(Stats{}), as_document(Stats{}));
  Stats capped(10);  // 500 devices through a table of 10: 490 evicted
  for (int i = 0; i < 500; ++i) capped.devices["D-" + std::to_string(i)].counters.total = 1;
  EXPECT_EQ(render_json(capped), as_document(capped));
  EXPECT_EQ(nlohmann::json::parse(render_json(capped))["evicted_devices"], 490);
}

TEST(RenderJson, ProblemsOrNoDevices) {
  Stats s = sample();  // P-002 has problems, P-001 is clean
  EXPECT_EQ(render_json(s, ReportDevices::problems), as_document(s, ReportDevices::problems));
  EXPECT_EQ(render_json(s, ReportDevices::none), as_document(s, ReportDevices::none));
  auto j = nlohmann::json::parse(render_json(s, ReportDevices::problems));
  EXPECT_FALSE(j["devices"].contains("P-001"));
  EXPECT_TRUE(j["devices"].contains("P-002"));
  EXPECT_EQ(j["report_devices"], "problems");
  EXPECT_EQ(j["tracked_devices"], 2);
  EXPECT_EQ(nlohmann::json::parse(render_json(s, ReportDevices::none))["devices"], nlohmann::json::object());
}

TEST(RenderJson, DefaultListsAllDevicesUpTo10000ThenProblems) {
  EXPECT_EQ(report_devices_for(std::nullopt, 10'000), ReportDevices::all);
  EXPECT_EQ(report_devices_for(std::nullopt, 10'001), ReportDevices::problems);
  EXPECT_EQ(report_devices_for(ReportDevices::all, 1'000'000), ReportDevices::all);
  EXPECT_EQ(report_devices_for(ReportDevices::none, 1), ReportDevices::none);
}

TEST(RenderJson, StreamedInPiecesThatMakeTheWholeReport) {
  Stats fleet;
  for (int i = 0; i < 3000; ++i) fleet.devices["D-" + std::to_string(i)].counters.total = i;
  std::vector<std::size_t> sizes;
  std::string joined;
  EXPECT_TRUE(write_json(fleet, ReportDevices::all, [&](std::string_view piece) {
    sizes.push_back(piece.size());
    joined += piece;
    return true;
  }));
  EXPECT_GT(sizes.size(), 2u);  // written as it is made, not at the end
  EXPECT_EQ(joined, as_document(fleet));
  int calls = 0;
  EXPECT_FALSE(write_json(fleet, ReportDevices::all, [&](std::string_view) { return ++calls < 2; }));
  EXPECT_EQ(calls, 2);  // a failing sink stops the writing
}

TEST(RenderJson, OneLineEndingInNewline) {
  std::string out = render_json(Stats{});
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1);
  EXPECT_EQ(nlohmann::json::parse(out)["devices"], nlohmann::json::object());
}

TEST(RenderJson, DeviceIdsWithOddBytesStayValidJson) {
  Stats s;
  s.devices[std::string("bad\xff\"id", 7)].counters.total = 1;
  EXPECT_TRUE(nlohmann::json::accept(render_json(s)));
}

TEST(RenderText, TotalsThenDevicesByProblems) {
  std::string out = render_text(sample());
  EXPECT_EQ(out.rfind("total: 12 lines, 10 valid, 2 invalid, 1 bad signature, 1 duplicates, 1 gaps (3 seqs missing), 1 reordered\n", 0), 0u)
      << out;
  EXPECT_NE(out.find("devices: 2 seen, 1 with problems, 1 clean\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  P-002: 5 lines, 3 valid"), std::string::npos) << out;
  EXPECT_NE(out.find("last seq 7"), std::string::npos);
  EXPECT_EQ(out.find("P-001"), std::string::npos);  // clean devices are only counted
}

TEST(RenderText, CapsTheDeviceList) {
  Stats s;
  for (int i = 0; i < 5; ++i) s.devices["D" + std::to_string(i)].counters.reordered = i + 1;
  std::string out = render_text(s, 2);
  EXPECT_NE(out.find("  D4:"), std::string::npos);
  EXPECT_NE(out.find("  D3:"), std::string::npos);
  EXPECT_EQ(out.find("  D2:"), std::string::npos);
  EXPECT_NE(out.find("... and 3 more devices with problems"), std::string::npos);
}

TEST(RenderText, SaysHowManyDevicesWereEvicted) {
  EXPECT_EQ(render_text(sample()).find("evicted"), std::string::npos);
  Stats s(3);
  for (int i = 0; i < 5; ++i) s.devices["D" + std::to_string(i)].counters.reordered = 1;
  std::string out = render_text(s);
  EXPECT_NE(out.find("devices: 3 seen, 3 with problems, 0 clean\n"), std::string::npos) << out;
  EXPECT_NE(out.find("(2 devices evicted past --max-devices 3: their lines are in the totals only)"),
            std::string::npos) << out;
}

}  // namespace
}  // namespace iot::verify
