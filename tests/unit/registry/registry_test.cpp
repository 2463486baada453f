// Loading, validating and routing (common/registry/registry.cpp, route_parser.cpp).
#include "registry/registry.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace iot::registry {
namespace {

std::string error_of(std::string_view text) {
  ParseOptions options;
  options.source = "fleet.toml";
  options.load_keys = false;
  auto r = Registry::parse(text, options);
  if (r.ok()) return "(accepted)";
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  return r.error().message;
}

Registry parsed(std::string_view text) {
  ParseOptions options;
  options.load_keys = false;
  auto r = Registry::parse(text, options);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return std::move(r).value();
}

TEST(Registry, FullRoute) {
  Registry r = parsed(R"(
[[route]]
pattern = "sensors/{room}/{sensor}"
shape = "signed"
device = "{sensor}"
metric = "{room}_{metric}"
table = "sensor_readings"
key_file = "site.key"
retention = "1d"
[route.tags]
room = "{room}"
[route.keymap]
t = "temperature"
[route.rollup]
every = "5m"
aggregates = ["mean", "max"]
retention = "30d"
)");
  ASSERT_EQ(r.routes().size(), 1u);
  const Route& route = r.routes()[0];
  EXPECT_EQ(route.index, 1u);
  EXPECT_EQ(route.pattern.text(), "sensors/{room}/{sensor}");
  EXPECT_EQ(route.shape, telemetry::Shape::signed_envelope);
  EXPECT_EQ(route.device_template, "{sensor}");
  EXPECT_EQ(route.metric_template, "{room}_{metric}");
  EXPECT_EQ(route.table, "sensor_readings");
  EXPECT_EQ(route.key_file, "site.key");
  EXPECT_FALSE(route.key.has_value());  // load_keys = false
  EXPECT_EQ(route.retention, std::chrono::hours(24));
  EXPECT_EQ(route.tags.at("room"), "{room}");
  EXPECT_EQ(route.keymap.at("t"), "temperature");
  ASSERT_TRUE(route.rollup.has_value());
  EXPECT_EQ(route.rollup->every, std::chrono::minutes(5));
  EXPECT_EQ(route.rollup->aggregates, (std::vector<std::string>{"mean", "max"}));
  EXPECT_EQ(route.rollup->retention, std::chrono::hours(24 * 30));
}

TEST(Registry, Defaults) {
  Registry r = parsed("[[route]]\npattern = \"a/+\"\n[route.rollup]\nevery = \"1h\"\n");
  const Route& route = r.routes()[0];
  EXPECT_EQ(route.shape, telemetry::Shape::automatic);
  EXPECT_EQ(route.table, "");  // the tool's default table (--table)
  EXPECT_TRUE(route.device_template.empty());
  EXPECT_FALSE(route.retention.has_value());
  EXPECT_EQ(route.rollup->aggregates, (std::vector<std::string>{"mean"}));
  EXPECT_FALSE(route.rollup->retention.has_value());
}

TEST(Registry, DurationsMayBeBareSeconds) {
  Registry r = parsed("[[route]]\npattern = \"a\"\nretention = 86400\n[route.rollup]\nevery = 300\n");
  EXPECT_EQ(r.routes()[0].retention, std::chrono::hours(24));
  EXPECT_EQ(r.routes()[0].rollup->every, std::chrono::minutes(5));
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\nretention = -5\n"),
            "fleet.toml: route 1: retention: bad duration '-5' (use e.g. 500ms, 2s, 5m, 24h)");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\nretention = true\n"), "fleet.toml: route 1: retention: not a string");
}

TEST(Registry, BadFilesSayWhereAndWhat) {
  auto unclosed = error_of("[[route]\npattern = 1");
  EXPECT_EQ(unclosed.rfind("fleet.toml:1:", 0), 0u) << unclosed;
  auto syntax = error_of("[[route]]\npattern = \"a\"\nshape = \n");
  EXPECT_EQ(syntax.rfind("fleet.toml:3:", 0), 0u) << syntax;
  EXPECT_NE(syntax.find("TOML syntax error"), std::string::npos) << syntax;
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\nshape = \"xml\"\n"),
            "fleet.toml: route 1: shape: unknown shape \"xml\" (auto, nested, flat, signed, kpi, batch)");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\n[[route]]\npattern = \"b\"\ntable = \"x; DROP TABLE readings\"\n"),
            "fleet.toml: route 2: table: bad table name \"x; DROP TABLE readings\" (use [a-z_][a-z0-9_]*, up to 63 "
            "characters)");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\nretention = \"forever\"\n"),
            "fleet.toml: route 1: retention: bad duration 'forever' (use e.g. 500ms, 2s, 5m, 24h)");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\nretention = \"0s\"\n"),
            "fleet.toml: route 1: retention: must be more than zero");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\n[route.rollup]\nevery = \"5 minutes\"\n"),
            "fleet.toml: route 1: rollup.every: bad duration '5 minutes' (use e.g. 500ms, 2s, 5m, 24h)");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\n[route.rollup]\naggregates = [\"mean\"]\n"),
            "fleet.toml: route 1: rollup.every: missing");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\n[route.rollup]\nevery = \"5m\"\naggregates = [\"p99\"]\n"),
            "fleet.toml: route 1: rollup.aggregates: not one of mean, median, min, max, sum, count");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\n[route.rollup]\nevery = \"5m\"\naggregates = [\"max\", \"max\"]\n"),
            "fleet.toml: route 1: rollup.aggregates: \"max\" twice");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\n[route.rollup]\nevery = \"5m\"\nwindow = 3\n"),
            "fleet.toml: route 1: rollup.window: unknown key");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\ntabel = \"x\"\n"), "fleet.toml: route 1: tabel: unknown key");
  EXPECT_EQ(error_of("[[route]]\ntable = \"x\"\n"), "fleet.toml: route 1: pattern: missing");
  EXPECT_EQ(error_of("[[route]]\npattern = 3\n"), "fleet.toml: route 1: pattern: not a string");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\ndevice = \"{unclosed\"\n").rfind("fleet.toml: route 1: device: ", 0),
            0u);
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\n[route.tags]\nsite = 5\n"),
            "fleet.toml: route 1: tags.site: not a string");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\ntags = \"x\"\n"), "fleet.toml: route 1: tags: not a table");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a\"\n[route.keymap]\nti = \"\"\n"),
            "fleet.toml: route 1: keymap.ti: empty metric name");
  EXPECT_EQ(error_of("[[route]]\npattern = \"a/#/b\"\n").rfind("fleet.toml: route 1: pattern: ", 0), 0u);
  EXPECT_EQ(error_of("title = \"x\"\n[[route]]\npattern = \"a\"\n"),
            "fleet.toml: unknown top-level key \"title\" (expected [[route]])");
  EXPECT_EQ(error_of(""), "fleet.toml: no [[route]] tables");
  EXPECT_EQ(error_of("route = [1]\n"), "fleet.toml: route 1: not a table (write [[route]])");
}

TEST(Registry, TableNames) {
  EXPECT_TRUE(is_table_name("readings"));
  EXPECT_TRUE(is_table_name("_t2"));
  EXPECT_TRUE(is_table_name(std::string(63, 'a')));
  EXPECT_FALSE(is_table_name(std::string(64, 'a')));
  EXPECT_FALSE(is_table_name(""));
  EXPECT_FALSE(is_table_name("2t"));
  EXPECT_FALSE(is_table_name("Readings"));
  EXPECT_FALSE(is_table_name("a-b"));
  EXPECT_FALSE(is_table_name("a\"b"));
  EXPECT_FALSE(is_table_name("public.readings"));
}

class RegistryFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("iot-registry-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);  // kept for a look when it fails
  }
  std::filesystem::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }
  std::filesystem::path dir_;
};

TEST_F(RegistryFiles, KeyFilesAreReadRelativeToTheRegistry) {
  write("site.key", "s3cret\n");
  auto path = write("fleet.toml", "[[route]]\npattern = \"sensors/#\"\nkey_file = \"site.key\"\n");
  auto r = Registry::load(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->routes()[0].key, "s3cret");
  EXPECT_EQ(r->source(), path.string());
}

TEST_F(RegistryFiles, MissingKeyFileNamesTheRoute) {
  auto path = write("fleet.toml", "[[route]]\npattern = \"a\"\n[[route]]\npattern = \"b\"\nkey_file = \"nope.key\"\n");
  auto r = Registry::load(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, path.string() + ": route 2: key_file: cannot read key file " + (dir_ / "nope.key").string());
}

TEST_F(RegistryFiles, MissingRegistry) {
  auto r = Registry::load(dir_ / "absent.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
}

}  // namespace
}  // namespace iot::registry
