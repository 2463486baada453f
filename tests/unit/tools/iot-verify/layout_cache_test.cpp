// The layout fast path against the slow path (LineAnalyzer::analyze vs
// analyze_slow): every line, fast or not, must give the same analysis, and
// lines of a layout seen before must actually take the fast path.
#include "iot-verify/layout_cache.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "sign/hmac.hpp"
#include "support/file_text.hpp"

namespace iot::verify {
namespace {

const std::string layout_key = "layout-test-key";

registry::RouteDefaults layout_defaults(const CheckerConfig& c) {
  registry::RouteDefaults d;
  d.key = c.key;
  d.allow_unsigned = c.allow_unsigned;
  return d;
}

// One analyzer that may take the fast path and one that never does, over the same route.
struct LayoutPair {
  explicit LayoutPair(CheckerConfig c)
      : config(std::move(c)),
        routes(layout_defaults(config)),
        fast(routes, config),
        slow(routes, config) {}
  CheckerConfig config;
  registry::RouteEngine routes;
  LineAnalyzer fast;
  LineAnalyzer slow;
  LineAnalysis a, b;

  // Both analyses of line, compared; true when they agree.
  ::testing::AssertionResult same(std::string_view line) {
    fast.analyze(line, false, a);
    slow.analyze_slow(line, false, b);
    if (same_analysis(a, b)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "fast and slow differ on " << line << "\n  fast: " << a.verdict.reason
                                         << " " << a.verdict.detail << " (" << a.messages.size()
                                         << " messages)\n  slow: " << b.verdict.reason << " " << b.verdict.detail
                                         << " (" << b.messages.size() << " messages)";
  }
};

std::vector<CheckerConfig> layout_configs() {
  std::vector<CheckerConfig> out(4);
  out[1].key = layout_key;
  out[2].key = layout_key;
  out[2].allow_unsigned = true;
  out[3].key = layout_key;
  out[3].keep_readings = true;
  CheckerConfig unsigned_readings;
  unsigned_readings.keep_readings = true;
  out.push_back(unsigned_readings);
  return out;
}

// The bench's message (scripts/lib/make_sample.py, nested shape), with its fields to vary.
struct BenchFields {
  std::string msg_id = "\"01M98Q0KF3BJ8780Z463P6D9W7\"";
  std::string device_id = "\"P-000\"";
  std::string ts = "1796662644195";
  std::string seq = "1000";
  std::string v = "59.95";
  std::string q = "192";
  std::string source_ts = "1796662643876";
  std::string latency = "319";
};

std::string bench_payload(const BenchFields& f) {
  return fmt::format(
      R"({{"schema_version":"2.1","msg_id":{},"device_id":{},"device_type":"centrifugal_pump","ts":{},"seq":{},)"
      R"("d":{{"temp_inlet_c":{{"v":{},"q":{}}},"temp_outlet_c":{{"v":139.8,"q":192}},)"
      R"("pressure_bar":{{"v":16.37,"q":68}}}},)"
      R"("meta":{{"fw_version":"2.3.1","gw_id":"gw-detroit-l3-01","source_ts":{},"edge_latency_ms":{}}}}})",
      f.msg_id, f.device_id, f.ts, f.seq, f.v, f.q, f.source_ts, f.latency);
}

std::string signed_line(const std::string& payload) { return sign::sign_payload(payload, layout_key).value(); }

TEST(LayoutCache, BenchLinesTakeTheFastPathWithTheSameAnalysis) {
  for (const CheckerConfig& config : layout_configs()) {
    LayoutPair pair(config);
    for (int i = 0; i < 50; ++i) {
      BenchFields f;
      f.msg_id = fmt::format("\"01M98Q0KF3BJ8780Z463P6D{:03d}\"", i);
      f.device_id = fmt::format("\"P-{:03d}\"", i % 7);
      f.seq = std::to_string(1000 + i);
      f.v = fmt::format("{}.{}", i * 3, i % 10 + 1);
      EXPECT_TRUE(pair.same(signed_line(bench_payload(f))));
      EXPECT_TRUE(pair.same(bench_payload(f)));  // unsigned: refused with a key, fine without
    }
    EXPECT_GT(pair.fast.fast_lines(), 40u);
  }
}

TEST(LayoutCache, ValuesTheSlowPathRefusesOrReadsOtherwiseAgree) {
  std::vector<BenchFields> variants;
  auto vary = [&](auto field, std::initializer_list<const char*> values) {
    for (const char* v : values) {
      BenchFields f;
      f.*field = v;
      variants.push_back(f);
    }
  };
  vary(&BenchFields::msg_id, {"\"\"", "\"x\"", "12", "null", "\"a\\u0041\""});
  vary(&BenchFields::device_id, {"\"\"", "\" \"", "7", "\"P\\\"1\""});
  vary(&BenchFields::ts, {"0", "-1", "1.5", "1796662644195.0", "9223372036854", "9223372036855", "-9223372036855",
                          "999999999999999999", "1e3", "\"1\"", "null"});
  vary(&BenchFields::seq, {"0", "-5", "2.0", "2.5", "999999999999999999", "9999999999999999999", "-999999999999999999",
                            "12345678", "123456789", "10000000000000000", "1234567a", "null", "\"1\""});
  vary(&BenchFields::v, {"0", "-0.0", "1e400", "null", "\"1\"", "true", "123456789012345.6", "0.0001", "0.00001",
                         "{}", "[1]"});
  vary(&BenchFields::q, {"0", "68", "192.0", "68.0", "-0.0", "5", "\"good\"", "\"BAD\"", "\"Uncertain\"",
                         "\"meh\"", "\"\"", "null", "true", "1e2"});
  vary(&BenchFields::source_ts, {"0", "1.5", "9223372036855", "null", "\"x\""});
  vary(&BenchFields::latency, {"0", "-3", "1.25", "null", "\"x\"", "123456789012345678"});
  for (const CheckerConfig& config : layout_configs()) {
    LayoutPair pair(config);
    for (const BenchFields& f : variants) {
      // First a good line of the layout (learned), then the variant.
      EXPECT_TRUE(pair.same(signed_line(bench_payload(BenchFields{}))));
      const std::string payload = bench_payload(f);
      EXPECT_TRUE(pair.same(payload));
      if (auto line = sign::sign_payload(payload, layout_key)) {
        EXPECT_TRUE(pair.same(*line));
      }
    }
  }
}

TEST(LayoutCache, SignaturesAndShapesAroundTheLayout) {
  const std::string good = signed_line(bench_payload(BenchFields{}));
  const std::string b64 = good.substr(9, 44);
  std::vector<std::string> lines = {
      good,
      // forged, malformed, not a string
      "{\"hmac\":\"" + std::string(43, 'A') + "=\"," + good.substr(good.find("\"payload\"")),
      "{\"hmac\":\"AAAA\"," + good.substr(good.find("\"payload\"")),
      "{\"hmac\":12," + good.substr(good.find("\"payload\"")),
      // the same message, spaced out and reordered: same signature
      "{ \"payload\" : " + bench_payload(BenchFields{}) + " , \"hmac\" : \"" + b64 + "\" }",
      // an extra member beside hmac and payload
      good.substr(0, good.size() - 1) + ",\"x\":1}",
      // a duplicate key
      good.substr(0, good.size() - 2) + ",\"seq\":5}}",
      // without msg_id: the HMAC identifies it
      signed_line(R"({"device_id":"P-1","ts":1796662644195,"seq":1,"d":{"t":{"v":1,"q":192}}})"),
      signed_line(R"({"device_id":"P-1","ts":1796662644195,"seq":2,"d":{"t":{"v":2,"q":192}}})"),
      // no d, no ts, no device_id; d of another type
      signed_line(R"({"device_id":"P-1","ts":1796662644195,"seq":1})"),
      signed_line(R"({"device_id":"P-1","seq":1,"d":{"t":1}})"),
      signed_line(R"({"ts":1796662644195,"seq":1,"d":{"t":1}})"),
      signed_line(R"({"device_id":"P-1","ts":1796662644195,"d":[1]})"),
      // bare points, null points, units, an empty metric, extra point keys
      signed_line(R"({"device_id":"P-1","ts":1796662644195,"d":{"a":1.5,"b":null,"c":{"v":null,"u":"bar"}}})"),
      signed_line(R"({"device_id":"P-1","ts":1796662644195,"d":{"a":1.5,"b":null,"c":{"v":null,"u":"kPa"}}})"),
      signed_line(R"({"device_id":"P-1","ts":1796662644195,"d":{"":1}})"),
      signed_line(R"({"device_id":"P-1","ts":1796662644195,"d":{"a":{"v":1,"x":[1,{"y":null}]}}})"),
      signed_line(R"({"device_id":"P-1","ts":1796662644195,"d":{"a":{"q":192}}})"),
      signed_line(R"({"device_id":"P-1","ts":1796662644195,"d":{"a":{"v":1,"u":3}}})"),
      // the signed shape's seconds: ts_ns beside ts
      signed_line(R"({"device_id":"P-1","ts":1796662644,"ts_ns":5,"d":{"a":1}})"),
      signed_line(R"({"device_id":"P-1","ts":1796662644,"ts_ns":1000000000,"d":{"a":1}})"),
      signed_line(R"({"device_id":"P-1","ts":1796662644,"ts_ns":-1,"d":{"a":1}})"),
      signed_line(R"({"device_id":"P-1","ts":9223372035,"ts_ns":1,"d":{"a":1}})"),
      signed_line(R"({"device_id":"P-1","ts":9223372036,"ts_ns":1,"d":{"a":1}})"),
      // other shapes and kinds: never fast
      signed_line(R"({"humidity":60.64,"temperature":20.52,"ts":1759384453,"ts_ns":920529791})"),
      signed_line(R"({"device_id":"P-1","ts":1796662644,"ts_ns":5,"temp":1})"),
      signed_line(R"({"id":"P-1","t":1796662644195,"ti":1})"),
      signed_line(R"({"readings":[{"device_id":"P-1","ts":1796662644195,"d":{"a":1}}]})"),
      R"({"kind":"alarm","msg_id":"X"})",
      R"({"topic":"a/b","payload":{"device_id":"P-1","ts":1796662644195,"d":{"a":1}}})",
      R"({"device_id":"P-1","ts":1796662644195,"d":{"a":1},"topic":"x"})",
      R"([{"device_id":"P-1","ts":1796662644195,"d":{"a":1}}])",
      "{not json",
      "",
  };
  for (const CheckerConfig& config : layout_configs()) {
    LayoutPair pair(config);
    for (int round = 0; round < 2; ++round)  // the second time round, every layout is known
      for (const std::string& line : lines) EXPECT_TRUE(pair.same(line));
  }
}

TEST(LayoutCache, FixturePayloads) {
  for (const char* name : {"seed000_flat", "seed000_nested", "seed001_batch", "seed002_kpi", "seed003_signed"}) {
    const std::string text =
        test::file_text(std::string(IOT_SOURCE_DIR) + "/tests/fixtures/payloads/" + name + ".json");
    ASSERT_FALSE(text.empty()) << name;
    for (const CheckerConfig& config : layout_configs()) {
      LayoutPair pair(config);
      EXPECT_TRUE(pair.same(text)) << name;
      EXPECT_TRUE(pair.same(text)) << name;
      if (auto line = sign::sign_payload(text, layout_key)) {
        EXPECT_TRUE(pair.same(*line)) << name;
        EXPECT_TRUE(pair.same(*line)) << name;
      }
    }
  }
}

// Random documents of the nested shape's keys: a field's value is mostly
// one the slow path accepts (so layouts are learned and read), now and then
// any leaf at all. The keys, their order and the leaves' kinds come from the
// layout number, so several documents share each layout.
std::string layout_any_leaf(std::mt19937& rng) {
  static const std::vector<std::string> leaves = {
      "0",  "1",   "-7",  "192", "68",   "192.0", "2.5", "-0.0", "1e3", "1796662644195", "999999999999999999",
      "null", "true", "\"\"", "\"x\"", "\"good\"", "\"P-1\"", "\"a\\n\"", "{}", "[]", "[1,2]", "{\"v\":1}"};
  return leaves[rng() % leaves.size()];
}

// kind: drawn from the layout's own generator (a null or a number, a quality word or code).
std::string layout_leaf(std::mt19937& rng, std::string_view role, std::uint32_t kind) {
  if (rng() % 16 == 0) return layout_any_leaf(rng);
  const std::uint32_t n = rng() % 1000;
  if (role == "device_id") return fmt::format("\"P-{}\"", n % 3);
  if (role == "ts" || role == "source_ts") return std::to_string(1796662644195 + n);
  if (role == "ts_ns" || role == "seq") return std::to_string(n);
  if (role == "edge_latency_ms") return n % 2 ? std::to_string(n) : fmt::format("{}.5", n);
  if (role == "v") return kind % 5 == 0 ? "null" : fmt::format("{}.{}", n, n % 7 + 1);
  if (role == "q") return kind % 2 ? std::vector<std::string>{"192", "68", "0"}[n % 3]
                                   : std::vector<std::string>{"\"good\"", "\"Bad\"", "\"UNCERTAIN\""}[n % 3];
  return fmt::format("\"{}-{}\"", role, n);
}

std::string layout_random_doc(std::mt19937& rng, std::uint32_t layout) {
  std::mt19937 shape(layout);  // the keys and their order: per layout
  std::vector<std::string> keys = {"device_id", "msg_id", "ts", "seq", "ts_ns", "schema_version",
                                   "device_type", "meta", "d", "other"};
  std::shuffle(keys.begin(), keys.end(), shape);
  std::string doc = "{";
  bool first = true;
  for (const std::string& key : keys) {
    // Rare: a key the nested shape does not know, and ts_ns (with ts in ms, out of range)
    const bool required = key == "d" || key == "ts" || key == "device_id";
    if (key == "other" || key == "ts_ns" ? shape() % 8 != 0 : shape() % 4 == 0 && !required) continue;
    if (!first) doc += ",";
    first = false;
    doc += "\"" + key + "\":";
    if (key == "d") {
      doc += "{";
      const int n = static_cast<int>(shape() % 4);
      for (int i = 0; i < n; ++i) {
        if (i) doc += ",";
        const std::uint32_t v_kind = shape(), q_kind = shape();
        if (shape() % 3)
          doc += fmt::format("\"m{}\":{{\"v\":{},\"q\":{}}}", i, layout_leaf(rng, "v", v_kind),
                             layout_leaf(rng, "q", q_kind));
        else
          doc += fmt::format("\"m{}\":{}", i, layout_leaf(rng, "v", v_kind));
      }
      doc += "}";
    } else if (key == "meta") {
      doc += fmt::format("{{\"source_ts\":{},\"edge_latency_ms\":{}}}", layout_leaf(rng, "source_ts", 0),
                         layout_leaf(rng, "edge_latency_ms", 0));
    } else {
      doc += layout_leaf(rng, key, 0);
    }
  }
  return doc + "}";
}

TEST(LayoutCache, RandomDocumentsAgree) {
  std::mt19937 rng(17);
  for (const CheckerConfig& config : layout_configs()) {
    LayoutPair pair(config);
    for (int i = 0; i < 3000; ++i) {
      const std::string doc = layout_random_doc(rng, static_cast<std::uint32_t>(i % 6));
      EXPECT_TRUE(pair.same(doc));
      if (auto line = sign::sign_payload(doc, layout_key)) {
        EXPECT_TRUE(pair.same(*line));
      }
    }
    EXPECT_GT(pair.fast.fast_lines(), 500u);
  }
}

TEST(LayoutCache, OffWhereTheRouteReadsPayloadsOtherwise) {
  CheckerConfig resend;
  resend.resend_topic_template = "resend/{device}";
  registry::RouteEngine routes(registry::RouteDefaults{});
  EXPECT_EQ(LayoutCache::make(routes, resend), nullptr);
  EXPECT_NE(LayoutCache::make(routes, CheckerConfig{}), nullptr);
}

}  // namespace
}  // namespace iot::verify
