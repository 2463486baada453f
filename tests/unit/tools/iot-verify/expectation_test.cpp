#include "iot-verify/expectation.hpp"

#include <gtest/gtest.h>

#include "support/seq_state.hpp"

#include <cstdio>
#include <fstream>

namespace iot::verify {
namespace {

// A truth file as iot-replay --truth writes it (fields it adds that the
// comparison does not read are left out).
constexpr const char* kTruth =
    R"({"shape":"nested","total":10,"valid":8,"invalid":2,"bad_json":1,"duplicates":1,)"
    R"("gaps":{"events":2,"missing":1},"reordered":1,"last_seq":5,)"
    R"("devices":{"P-1":{"duplicates":1,"bad_json":1,"gaps":{"events":2,"missing":1},"reordered":1,"last_seq":5}}})";

std::string write_file(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

// The report iot-verify makes of that stream: the corrupted line counts in
// the totals only (it cannot be read back to its device).
using test::seq_at;

Stats matching_report(bool with_p1 = true) {
  Stats s;
  s.totals.total = 10;
  s.totals.valid = 8;
  s.totals.invalid = 2;
  s.totals.bad_json = 1;
  s.totals.duplicates = 1;
  s.totals.gap_events = 2;
  s.totals.missing = 1;
  s.totals.reordered = 1;
  if (with_p1) {
    DeviceStats& p1 = s.devices["P-1"];
    p1.counters.duplicates = 1;
    p1.counters.gap_events = 2;
    p1.counters.missing = 1;
    p1.counters.reordered = 1;
    p1.seq = seq_at(5);
  }
  s.devices["P-2"].seq = seq_at(5);
  return s;
}

TEST(Expectation, MatchingReportHasNoDifferences) {
  auto e = load_expectation(write_file("truth_ok.json", kTruth));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(differences(*e, matching_report()), std::vector<std::string>{});
}

TEST(Expectation, NamesEachDifference) {
  auto e = load_expectation(write_file("truth_diff.json", kTruth));
  ASSERT_TRUE(e);
  Stats s = matching_report(/*with_p1=*/false);  // a faulty device not seen at all
  s.totals.duplicates = 2;
  s.totals.future_ts = 3;                      // never injected: expected 0
  s.devices["P-2"].counters.reordered = 1;     // a device the truth calls clean
  s.devices["P-2"].seq = seq_at(4);
  EXPECT_EQ(differences(*e, s), (std::vector<std::string>{
                                    "duplicates: expected 1, found 2",
                                    "future_ts: expected 0, found 3",
                                    "device P-1: expected, not seen",
                                    "device P-2 reordered: expected 0, found 1",
                                    "device P-2 last_seq: expected 5, found 4",
                                }));
}

TEST(Expectation, RefusesWhatIsNoTruthFile) {
  const std::pair<const char*, const char*> cases[] = {
      {"[1,2]", "not a JSON object"},
      {"{", "not a JSON object"},
      {R"({"total":1})", "no \"valid\""},
      {R"({"total":1,"valid":1,"invalid":0,"bad_json":0,"duplicates":0,"gaps":{"events":0},"reordered":0})",
       "no \"gaps.missing\""},
      {R"({"total":-1})", "\"total\" is not a count"},
  };
  int n = 0;
  for (const auto& [text, says] : cases) {
    auto e = load_expectation(write_file("truth_bad" + std::to_string(++n) + ".json", text));
    ASSERT_FALSE(e) << text;
    EXPECT_EQ(e.error().reason, "usage");
    EXPECT_NE(e.error().message.find(says), std::string::npos) << e.error().message;
    EXPECT_NE(e.error().message.find("iot-replay --truth"), std::string::npos) << e.error().message;
  }
  auto missing = load_expectation(::testing::TempDir() + "no_such_truth.json");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace iot::verify
