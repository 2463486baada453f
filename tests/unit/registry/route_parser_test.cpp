// One [[route]] table (common/registry/route_parser.cpp), key by key as
// iot-registry(5) KEYS OF A ROUTE lists them: what each accepts, what it
// reads as, and the exact error for what it refuses.
#include "registry/route_parser.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

namespace iot::registry::detail {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// The body of one [[route]] table ("key = value" lines), parsed as route 3.
Result<Route> parse(const std::string& body, ParseOptions options = {}) {
  toml::table table;
  try {
    table = toml::parse(body);
  } catch (const toml::parse_error& e) {
    ADD_FAILURE() << "test TOML does not parse: " << e.description() << "\n" << body;
    return make_error(ErrorKind::internal, "test", "bad test TOML");
  }
  if (options.base_dir.empty()) options.load_keys = false;
  return parse_route(table, 3, "fleet.toml: route 3", options);
}

const std::string p = "pattern = \"plant/{device}/telemetry\"\n";

struct Accepted {
  const char* what;
  std::string body;
  std::function<void(const Route&)> expect;
};

TEST(RouteParser, EveryKeyAccepted) {
  const Accepted rows[] = {
      {"pattern only: the defaults", p,
       [](const Route& r) {
         EXPECT_EQ(r.index, 3u);
         EXPECT_EQ(r.pattern.text(), "plant/{device}/telemetry");
         EXPECT_EQ(r.shape, telemetry::Shape::automatic);
         EXPECT_TRUE(r.device_template.empty());
         EXPECT_TRUE(r.metric_template.empty());
         EXPECT_TRUE(r.table.empty());
         EXPECT_TRUE(r.key_file.empty());
         EXPECT_FALSE(r.key);
         EXPECT_FALSE(r.retention);
         EXPECT_TRUE(r.tags.empty());
         EXPECT_TRUE(r.keymap.empty());
         EXPECT_FALSE(r.rollup);
         EXPECT_FALSE(r.ordering_key);
         EXPECT_FALSE(r.resend_topic);
         EXPECT_EQ(r.kind, RouteKind::readings);
         EXPECT_FALSE(r.is_catch_all());
       }},
      {"pattern: the catch-all", "pattern = \"#\"\n", [](const Route& r) { EXPECT_TRUE(r.is_catch_all()); }},
      {"ordering_key: a template", p + "ordering_key = \"{site}-{device}\"\n",
       [](const Route& r) { EXPECT_EQ(r.ordering_key, "{site}-{device}"); }},
      {"resend_topic: a template", p + "resend_topic = \"ctl/{device}/resend\"\n",
       [](const Route& r) { EXPECT_EQ(r.resend_topic, "ctl/{device}/resend"); }},
      {"kind = alarm", p + "kind = \"alarm\"\n", [](const Route& r) { EXPECT_EQ(r.kind, RouteKind::alarm); }},
      {"default QoS by kind: readings 0", p, [](const Route& r) { EXPECT_EQ(r.qos, 0); }},
      {"default QoS by kind: alarm 1", p + "kind = \"alarm\"\n", [](const Route& r) { EXPECT_EQ(r.qos, 1); }},
      {"default QoS by kind: action 2", p + "kind = \"action\"\n", [](const Route& r) { EXPECT_EQ(r.qos, 2); }},
      {"default QoS by kind: job 1", p + "kind = \"job\"\n", [](const Route& r) { EXPECT_EQ(r.qos, 1); }},
      {"qos given", p + "kind = \"action\"\nqos = 1\n", [](const Route& r) { EXPECT_EQ(r.qos, 1); }},
      {"state with a channel, seed 001's hash tag", p + "kind = \"state\"\nchannel = \"tenant:{{{tenant}}}:device:{agent}:state\"\n",
       [](const Route& r) {
         EXPECT_EQ(r.kind, RouteKind::state);
         EXPECT_EQ(r.channel, "tenant:{{{tenant}}}:device:{agent}:state");
       }},
      {"metrics stored and published", p + "kind = \"metrics\"\nchannel = \"m:{device}\"\nstore = true\n",
       [](const Route& r) {
         EXPECT_EQ(r.channel, "m:{device}");
         EXPECT_TRUE(r.store);
       }},
      {"metrics only stored", p + "kind = \"metrics\"\nstore = true\n", [](const Route& r) { EXPECT_TRUE(r.channel.empty()); }},
      {"log to a stream with max_len", p + "kind = \"log\"\nstream = \"logs:{device}\"\nmax_len = 5000\n",
       [](const Route& r) {
         EXPECT_EQ(r.stream, "logs:{device}");
         EXPECT_EQ(r.max_len, 5000u);
         EXPECT_FALSE(r.store);
       }},
      {"log to the logs table only", p + "kind = \"log\"\n", [](const Route& r) { EXPECT_TRUE(r.stream.empty()); }},
      {"event, lifecycle, job, job_request", p + "kind = \"job_request\"\n",
       [](const Route& r) { EXPECT_EQ(r.kind, RouteKind::job_request); }},
      {"kind = readings", p + "kind = \"readings\"\n",
       [](const Route& r) { EXPECT_EQ(r.kind, RouteKind::readings); }},
      {"ordering_key: empty, no key", p + "ordering_key = \"\"\n",
       [](const Route& r) { EXPECT_EQ(r.ordering_key, ""); }},
      {"pattern: typed captures", "pattern = \"i/{tenant:b64hex}/a/{agent:b64uuid}/endpoints/{protocol}\"\n",
       [](const Route& r) { EXPECT_EQ(r.pattern.text(), "i/{tenant:b64hex}/a/{agent:b64uuid}/endpoints/{protocol}"); }},
      {"shape = auto", p + "shape = \"auto\"\n",
       [](const Route& r) { EXPECT_EQ(r.shape, telemetry::Shape::automatic); }},
      {"shape = nested", p + "shape = \"nested\"\n",
       [](const Route& r) { EXPECT_EQ(r.shape, telemetry::Shape::nested); }},
      {"shape = flat", p + "shape = \"flat\"\n", [](const Route& r) { EXPECT_EQ(r.shape, telemetry::Shape::flat); }},
      {"shape = signed", p + "shape = \"signed\"\n",
       [](const Route& r) { EXPECT_EQ(r.shape, telemetry::Shape::signed_envelope); }},
      {"shape = kpi", p + "shape = \"kpi\"\n", [](const Route& r) { EXPECT_EQ(r.shape, telemetry::Shape::kpi); }},
      {"shape = batch", p + "shape = \"batch\"\n", [](const Route& r) { EXPECT_EQ(r.shape, telemetry::Shape::batch); }},
      {"device template", p + "device = \"{device}-{site}\"\n",
       [](const Route& r) { EXPECT_EQ(r.device_template, "{device}-{site}"); }},
      {"metric template with literal braces", p + "metric = \"{{m}}_{metric}\"\n",
       [](const Route& r) { EXPECT_EQ(r.metric_template, "{{m}}_{metric}"); }},
      {"table, 63 characters", p + "table = \"" + std::string(63, 't') + "\"\n",
       [](const Route& r) { EXPECT_EQ(r.table, std::string(63, 't')); }},
      {"key_file kept unread when keys are not loaded", p + "key_file = \"site.key\"\n",
       [](const Route& r) {
         EXPECT_EQ(r.key_file, "site.key");
         EXPECT_FALSE(r.key);
       }},
      {"retention as text", p + "retention = \"730d\"\n",
       [](const Route& r) { EXPECT_EQ(r.retention, hours(24 * 730)); }},
      {"retention as bare seconds", p + "retention = 90\n", [](const Route& r) { EXPECT_EQ(r.retention, seconds(90)); }},
      {"retention below a second counts as one", p + "retention = \"500ms\"\n",
       [](const Route& r) { EXPECT_EQ(r.retention, seconds(1)); }},
      {"tags", p + "[tags]\nline = \"L-{device}\"\nsite = \"detroit\"\n",
       [](const Route& r) {
         EXPECT_EQ(r.tags, (std::map<std::string, std::string>{{"line", "L-{device}"}, {"site", "detroit"}}));
       }},
      {"keymap", p + "[keymap]\nti = \"temp_inlet_c\"\np = \"pressure_bar\"\n",
       [](const Route& r) {
         EXPECT_EQ(r.keymap, (std::map<std::string, std::string>{{"p", "pressure_bar"}, {"ti", "temp_inlet_c"}}));
       }},
      {"rollup: every alone takes mean and keeps no retention", p + "[rollup]\nevery = \"1h\"\n",
       [](const Route& r) {
         ASSERT_TRUE(r.rollup);
         EXPECT_EQ(r.rollup->every, hours(1));
         EXPECT_EQ(r.rollup->aggregates, std::vector<std::string>{"mean"});
         EXPECT_FALSE(r.rollup->retention);
       }},
      {"rollup: every aggregate in file order, retention", p +
           "[rollup]\nevery = 300\naggregates = [\"count\", \"sum\", \"max\", \"min\", \"mean\"]\nretention = \"30d\"\n",
       [](const Route& r) {
         ASSERT_TRUE(r.rollup);
         EXPECT_EQ(r.rollup->every, minutes(5));
         EXPECT_EQ(r.rollup->aggregates, (std::vector<std::string>{"count", "sum", "max", "min", "mean"}));
         EXPECT_EQ(r.rollup->retention, hours(24 * 30));
       }},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.what);
    auto route = parse(row.body);
    ASSERT_TRUE(route.ok()) << route.error().message;
    row.expect(*route);
  }
}

struct Refused {
  std::string body;
  std::string error;  // the whole message; "prefix*" compares the start only
};

TEST(RouteParser, EveryKeyRefused) {
  const std::string w = "fleet.toml: route 3: ";
  const std::string bad_duration = "(use e.g. 500ms, 2s, 5m, 24h)";
  const Refused rows[] = {
      {"shape = \"nested\"\n", w + "pattern: missing"},
      {"pattern = 7\n", w + "pattern: not a string"},
      {"pattern = \"a/#/b\"\n", w + "pattern: *"},
      {"pattern = \"a/{x:base32}\"\n", w + "pattern: *"},
      {p + "colour = \"red\"\n", w + "colour: unknown key"},
      {p + "kind = \"gauge\"\n", w + "kind: unknown kind \"gauge\" (readings, alarm, state, metrics, event, "
                                      "lifecycle, log, job, job_request, action)"},
      {p + "kind = \"metrics\"\n", w + "kind: metrics needs a channel, store = true, or both"},
      {p + "channel = \"c\"\n", w + "channel: only for state and metrics, not kind readings"},
      {p + "kind = \"event\"\nstream = \"s\"\n", w + "stream: only for log, not kind event"},
      {p + "kind = \"log\"\nmax_len = 10\n", w + "max_len: needs stream"},
      {p + "kind = \"log\"\nstream = \"s\"\nmax_len = 0\n", w + "max_len: must be more than zero"},
      {p + "kind = \"log\"\nstream = \"s\"\nmax_len = \"10\"\n", w + "max_len: not an integer"},
      {p + "kind = \"state\"\nchannel = \"{open\"\n", w + "channel: *"},
      {p + "kind = \"job\"\nstore = true\n", w + "store: only for metrics and log, not kind job"},
      {p + "kind = \"metrics\"\nstore = 1\n", w + "store: not true or false"},
      {p + "qos = 3\n", w + "qos: must be 0, 1 or 2"},
      {p + "qos = \"1\"\n", w + "qos: not an integer"},
      {p + "kind = 1\n", w + "kind: not a string"},
      {p + "qos = -1\n", w + "qos: must be 0, 1 or 2"},
      {p + "qos = 1.0\n", w + "qos: not an integer"},
      {p + "qos = true\n", w + "qos: not an integer"},
      {p + "shape = \"xml\"\n", w + "shape: unknown shape \"xml\" (auto, nested, flat, signed, kpi, batch)"},
      {p + "shape = 1\n", w + "shape: not a string"},
      {p + "device = \"\"\n", w + "device: is empty"},
      {p + "device = \"{unclosed\"\n", w + "device: *"},
      {p + "metric = 5\n", w + "metric: not a string"},
      {p + "ordering_key = 5\n", w + "ordering_key: not a string"},
      {p + "ordering_key = \"{site\"\n", w + "ordering_key: *"},
      {p + "resend_topic = 5\n", w + "resend_topic: not a string"},
      {p + "resend_topic = \"\"\n", w + "resend_topic: is empty"},
      {p + "resend_topic = \"ctl/+/resend\"\n", w + "resend_topic: a topic to publish to has no '+' or '#'"},
      {p + "metric = \"m}\"\n", w + "metric: *"},
      {p + "table = \"Readings\"\n",
       w + "table: bad table name \"Readings\" (use [a-z_][a-z0-9_]*, up to 63 characters)"},
      {p + "table = \"" + std::string(64, 't') + "\"\n", w + "table: bad table name *"},
      {p + "table = \"public.readings\"\n", w + "table: bad table name *"},
      {p + "key_file = \"\"\n", w + "key_file: is empty"},
      {p + "key_file = 1\n", w + "key_file: not a string"},
      {p + "retention = \"forever\"\n", w + "retention: bad duration 'forever' " + bad_duration},
      {p + "retention = \"0s\"\n", w + "retention: must be more than zero"},
      {p + "retention = 0\n", w + "retention: must be more than zero"},
      {p + "retention = [1]\n", w + "retention: not a string"},
      {p + "tags = \"x\"\n", w + "tags: not a table"},
      {p + "[tags]\nsite = 5\n", w + "tags.site: not a string"},
      {p + "[tags]\nsite = \"\"\n", w + "tags.site: is empty"},
      {p + "[tags]\nsite = \"{open\"\n", w + "tags.site: *"},
      {p + "keymap = [\"ti\"]\n", w + "keymap: not a table"},
      {p + "[keymap]\nti = \"\"\n", w + "keymap.ti: empty metric name"},
      {p + "[keymap]\nti = 1\n", w + "keymap.ti: not a string"},
      {p + "rollup = \"1h\"\n", w + "rollup: not a table"},
      {p + "[rollup]\naggregates = [\"mean\"]\n", w + "rollup.every: missing"},
      {p + "[rollup]\nevery = \"soon\"\n", w + "rollup.every: bad duration 'soon' " + bad_duration},
      {p + "[rollup]\nevery = \"0m\"\n", w + "rollup.every: must be more than zero"},
      {p + "[rollup]\nevery = \"1h\"\naggregates = []\n", w + "rollup.aggregates: not a list of aggregate names"},
      {p + "[rollup]\nevery = \"1h\"\naggregates = \"mean\"\n", w + "rollup.aggregates: not a list of aggregate names"},
      {p + "[rollup]\nevery = \"1h\"\naggregates = [\"p99\"]\n",
       w + "rollup.aggregates: not one of mean, median, min, max, sum, count"},
      {p + "[rollup]\nevery = \"1h\"\naggregates = [1]\n", w + "rollup.aggregates: not one of mean, median, min, max, sum, count"},
      {p + "[rollup]\nevery = \"1h\"\naggregates = [\"min\", \"min\"]\n", w + "rollup.aggregates: \"min\" twice"},
      {p + "[rollup]\nevery = \"1h\"\nretention = \"-1d\"\n", w + "rollup.retention: bad duration '-1d' " + bad_duration},
      {p + "[rollup]\nevery = \"1h\"\nretention = \"0s\"\n", w + "rollup.retention: must be more than zero"},
      {p + "[rollup]\nevery = \"1h\"\nwindow = 3\n", w + "rollup.window: unknown key"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.body);
    auto route = parse(row.body);
    ASSERT_FALSE(route.ok());
    EXPECT_EQ(route.error().kind, ErrorKind::usage);
    EXPECT_EQ(route.error().reason, "usage");
    if (row.error.ends_with("*")) {
      std::string prefix = row.error.substr(0, row.error.size() - 1);
      EXPECT_EQ(route.error().message.substr(0, prefix.size()), prefix) << route.error().message;
      EXPECT_GT(route.error().message.size(), prefix.size()) << "the reason is missing";
    } else {
      EXPECT_EQ(route.error().message, row.error);
    }
  }
}

class RouteParserKeys : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("iot-route-parser-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name, std::ios::binary) << text; }
  ParseOptions options() const {
    ParseOptions o;
    o.base_dir = dir_;
    return o;
  }
  std::filesystem::path dir_;
};

TEST_F(RouteParserKeys, KeyFilesAreReadRelativeToTheRegistryOrAbsolute) {
  write("site.key", "s3cret\r\n");
  write("bin.key", "hex:00ff10\n");
  struct Row {
    std::string key_file, key;
  } rows[] = {
      {"site.key", "s3cret"},
      {(dir_ / "site.key").string(), "s3cret"},
      {"bin.key", std::string("\x00\xff\x10", 3)},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.key_file);
    auto route = parse(p + "key_file = \"" + row.key_file + "\"\n", options());
    ASSERT_TRUE(route.ok()) << route.error().message;
    EXPECT_EQ(route->key_file, row.key_file);
    EXPECT_EQ(route->key, row.key);
  }
}

TEST_F(RouteParserKeys, UnreadableOrEmptyKeysNameTheRouteAndKey) {
  write("empty.key", "\n");
  for (std::string name : {"absent.key", "empty.key"}) {
    SCOPED_TRACE(name);
    auto route = parse(p + "key_file = \"" + name + "\"\n", options());
    ASSERT_FALSE(route.ok());
    EXPECT_EQ(route.error().message.rfind("fleet.toml: route 3: key_file: ", 0), 0u) << route.error().message;
  }
}

}  // namespace
}  // namespace iot::registry::detail

namespace iot::registry::detail {
namespace {

// deadband (iot-registry(5)): one spec or a list, read as iot-pub's --deadband.
TEST(RouteParser, Deadband) {
  auto one = parse(p + "deadband = \"temp_*=abs:0.2\"\n");
  ASSERT_TRUE(one.ok()) << one.error().message;
  ASSERT_EQ(one->deadband.size(), 1u);
  EXPECT_EQ(one->deadband[0].metric_glob, "temp_*");
  EXPECT_EQ(one->deadband[0].kind, telemetry::DeadbandRule::Kind::absolute);
  EXPECT_DOUBLE_EQ(one->deadband[0].threshold, 0.2);
  auto list = parse(p + "deadband = [\"temp_*=abs:0.2\", \"*=pct:1\"]\n");
  ASSERT_TRUE(list.ok()) << list.error().message;
  ASSERT_EQ(list->deadband.size(), 2u);
  EXPECT_EQ(list->deadband[1].kind, telemetry::DeadbandRule::Kind::percent);
  auto none = parse(p);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->deadband.empty());
  const std::string w = "fleet.toml: route 3: deadband: ";
  for (auto [body, error] : {std::pair<std::string, std::string>{"deadband = 1\n", w + "not a string or a list of strings"},
                             {"deadband = [\"*=abs:1\", 2]\n", w + "not a string or a list of strings"},
                             {"deadband = \"*=rel:1\"\n", w + "deadband '*=rel:1': the band is abs: or pct:"}}) {
    auto r = parse(p + body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().message.substr(0, error.size()), error) << r.error().message;
  }
}

}  // namespace
}  // namespace iot::registry::detail
