// The BigQuery load-file sink (common/store/bigquery_files_sink.cpp) in a
// temporary directory: the lines and the schema, parsed back with
// nlohmann::json; files published only when closed or rotated; duplicates
// by key dropped, also across a reopen; a part left by a crash cut to its
// last whole line and published; a bad table name refused as the data's
// fault; one process per directory.
#include "store/bigquery_files_sink.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>

namespace iot::store {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ReadingRow reading(std::string table, std::string device, std::int64_t t, double v) {
  ReadingRow r;
  r.table = std::move(table);
  r.device_id = std::move(device);
  r.metric = "temp";
  r.value = v;
  r.time_ns = t;
  return r;
}

std::vector<fs::path> load_files(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".ndjson" && e.path().filename().string()[0] != '.') out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<nlohmann::json> rows_in(const fs::path& dir) {
  std::vector<nlohmann::json> rows;
  for (const auto& f : load_files(dir)) {
    std::istringstream in(read_all(f));
    for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
  }
  return rows;
}

class BigQueryFilesSinkTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("bq_sink_" + std::to_string(getpid()));
  SinkOptions options;
  void SetUp() override {
    fs::remove_all(dir);
    options.table = "readings";
  }
  void TearDown() override { fs::remove_all(dir); }
  std::unique_ptr<BigQueryFilesSink> open() {
    auto sink = BigQueryFilesSink::open(dir.string(), options);
    EXPECT_TRUE(sink) << sink.error().message;
    EXPECT_TRUE((*sink)->ensure_schema());
    return std::move(*sink);
  }
};

TEST(LoadLine, EveryFieldAsJson) {
  ReadingRow r = reading("", "P \"7\"", 1710844800123456789, 21.5);
  r.quality = 68;
  r.msg_id = "m-1";
  r.seq = 42;
  r.unit = "degC";
  r.tags_json = R"({"site":"PLT-A"})";
  std::string line;
  append_load_line(line, r);
  ASSERT_EQ(line.back(), '\n');
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["time"], "2024-03-19T10:40:00.123456Z");
  EXPECT_EQ(j["device_id"], "P \"7\"");
  EXPECT_EQ(j["value"], 21.5);
  EXPECT_EQ(j["quality"], 68);
  EXPECT_EQ(j["seq"], 42);
  EXPECT_EQ(j["unit"], "degC");
  EXPECT_EQ(j["tags"]["site"], "PLT-A");
  EXPECT_TRUE(j["tenant"].is_null());
  EXPECT_TRUE(j["extra"].is_null());
  auto schema = nlohmann::json::parse(load_schema_json());
  std::set<std::string> names;
  for (const auto& f : schema) names.insert(f["name"].get<std::string>());
  std::set<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.insert(k);
  EXPECT_EQ(names, keys);
}

TEST_F(BigQueryFilesSinkTest, PublishedOnlyWhenClosed) {
  auto sink = open();
  EXPECT_TRUE(fs::exists(dir / "readings.schema.json"));
  Batch b;
  b.readings = {reading("", "a", 1'000'000'000, 1), reading("plant", "b", 2'000'000'000, 2)};
  auto stats = sink->write(b);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->inserted, 2u);
  EXPECT_TRUE(load_files(dir / "readings").empty()) << "visible before it is published";
  EXPECT_TRUE(fs::exists(dir / "plant.schema.json"));
  ASSERT_TRUE(sink->close_files());
  ASSERT_EQ(rows_in(dir / "readings").size(), 1u);
  ASSERT_EQ(rows_in(dir / "plant").size(), 1u);
  EXPECT_EQ(rows_in(dir / "plant")[0]["device_id"], "b");
  auto name = load_files(dir / "plant")[0].filename().string();
  EXPECT_EQ(name.size(), std::string("20260319T104001Z-0.ndjson").size()) << name;
  EXPECT_EQ(name.substr(15, 3), "Z-0");
}

TEST_F(BigQueryFilesSinkTest, DuplicatesByKeyAlsoAfterAReopen) {
  {
    auto sink = open();
    Batch b;
    b.readings = {reading("", "a", 1'000'000'000, 1), reading("", "a", 1'000'000'000, 1), reading("", "a", 2'000'000'000, 2)};
    auto stats = sink->write(b);
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->inserted, 2u);
    EXPECT_EQ(stats->duplicates, 1u);
  }
  auto sink = open();
  Batch again;
  again.readings = {reading("", "a", 2'000'000'000, 2), reading("", "a", 3'000'000'000, 3)};
  auto stats = sink->write(again);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->inserted, 1u);
  EXPECT_EQ(stats->duplicates, 1u);
  sink.reset();
  EXPECT_EQ(rows_in(dir / "readings").size(), 3u);
}

TEST_F(BigQueryFilesSinkTest, ALeftoverPartIsCutToItsLastLineAndPublished) {
  fs::create_directories(dir / "readings");
  std::string whole;
  append_load_line(whole, reading("", "a", 1'000'000'000, 1));
  std::ofstream(dir / "readings" / ".20240319T104000Z-0.ndjson.part") << whole << R"({"time":"2024-03-19T10:)";
  std::ofstream(dir / "readings" / ".20240319T104000Z-1.ndjson.part") << R"({"half)";
  auto sink = open();
  auto files = load_files(dir / "readings");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename(), "20240319T104000Z-0.ndjson");
  EXPECT_EQ(read_all(files[0]), whole);
  EXPECT_FALSE(fs::exists(dir / "readings" / ".20240319T104000Z-1.ndjson.part")) << "nothing whole in it: removed";
  Batch b;
  b.readings = {reading("", "a", 1'000'000'000, 1)};
  auto stats = sink->write(b);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->duplicates, 1u) << "the recovered line's key is known";
}

TEST_F(BigQueryFilesSinkTest, RotatesAtTheSizeBound) {
  options.rotate_bytes = 1000;
  auto sink = open();
  for (int i = 0; i < 30; ++i) {
    Batch b;
    b.readings = {reading("", "a", (i + 1) * 1'000'000'000LL, i)};
    ASSERT_TRUE(sink->write(b));
  }
  auto published = load_files(dir / "readings").size();
  EXPECT_GE(published, 3u);
  sink.reset();
  EXPECT_EQ(rows_in(dir / "readings").size(), 30u);
  for (const auto& f : load_files(dir / "readings")) EXPECT_LT(fs::file_size(f), 1000u + 300u);
}

TEST_F(BigQueryFilesSinkTest, ABadTableNameIsTheDataFault) {
  auto sink = open();
  Batch b;
  b.readings = {reading("../evil", "a", 1, 1)};
  auto stats = sink->write(b);
  ASSERT_FALSE(stats);
  EXPECT_EQ(stats.error().reason, "db_rejected");
  EXPECT_FALSE(fs::exists(dir.parent_path() / "evil"));
}

TEST_F(BigQueryFilesSinkTest, OneProcessPerDirectory) {
  auto first = open();
  auto second = BigQueryFilesSink::open(dir.string(), options);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("in use"), std::string::npos);
}

}  // namespace
}  // namespace iot::store
