// Stored readings read back as messages (common/store/reading_source.cpp):
// rows written by the SQLite sink, grouped per (time, device) into nested
// payloads, in time order, with msg_id and seq only where the group agrees.
#include "store/reading_source.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/sqlite_sink.hpp"

namespace iot::store {
namespace {

constexpr std::int64_t kT0 = 1710844800123000000;  // 2024-03-19T10:40:00.123Z

ReadingRow row(std::string device, std::int64_t time_ns, std::string metric, std::optional<double> value,
               std::string msg_id = "", std::optional<std::int64_t> seq = std::nullopt, int quality = 192) {
  ReadingRow r;
  r.device_id = std::move(device);
  r.time_ns = time_ns;
  r.metric = std::move(metric);
  r.value = value;
  r.msg_id = std::move(msg_id);
  r.seq = seq;
  r.quality = quality;
  return r;
}

class ReadingSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("iot-reading-source-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
    auto sink = SqliteSink::open(path_, SinkOptions{});
    ASSERT_TRUE(sink) << sink.error().message;
    ASSERT_TRUE((*sink)->ensure_schema());
    Batch b;
    // Written out of order: the source orders by time, then device.
    b.readings = {
        row("P-2", kT0, "temp", 70.5, "01A", 7),
        row("P-1", kT0 + 1000000, "temp", 71.0, "01B", 8),
        row("P-1", kT0 + 1000000, "flow", std::nullopt, "01B", 8, 0),
        row("P-1", kT0, "temp", 72.4, "01C", 5),
        row("P-1", kT0, "vib", 0.8, "01D", 5, 68),  // another msg_id: none in the payload
        row("P-3", kT0 + 2000000, "temp", 1, "", std::nullopt),
    };
    auto written = (*sink)->write(b);
    ASSERT_TRUE(written) << written.error().message;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<StoredMessage> read_all(const ReadingFilter& filter) {
    auto source = ReadingSource::open("sqlite:" + path_, filter);
    EXPECT_TRUE(source) << source.error().message;
    std::vector<StoredMessage> out;
    if (!source) return out;
    StoredMessage m;
    for (;;) {
      auto more = (*source)->next(m);
      EXPECT_TRUE(more) << more.error().message;
      if (!more || !*more) break;
      out.push_back(m);
    }
    return out;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(ReadingSourceTest, GroupsPerTimeAndDeviceInOrder) {
  auto got = read_all(ReadingFilter{});
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].payload_json,
            R"({"schema_version":"2.1","device_id":"P-1","ts":1710844800123,"seq":5,)"
            R"("d":{"temp":{"v":72.4,"q":192},"vib":{"v":0.8,"q":68}}})");
  EXPECT_EQ(got[0].reading_count, 2u);
  EXPECT_EQ(got[0].time_ns, kT0);
  EXPECT_EQ(got[1].payload_json,
            R"({"schema_version":"2.1","msg_id":"01A","device_id":"P-2","ts":1710844800123,"seq":7,)"
            R"("d":{"temp":{"v":70.5,"q":192}}})");
  EXPECT_EQ(got[2].payload_json,
            R"({"schema_version":"2.1","msg_id":"01B","device_id":"P-1","ts":1710844800124,"seq":8,)"
            R"("d":{"flow":{"v":null,"q":0},"temp":{"v":71,"q":192}}})");
  EXPECT_EQ(got[3].payload_json,
            R"({"schema_version":"2.1","device_id":"P-3","ts":1710844800125,"d":{"temp":{"v":1,"q":192}}})");
  EXPECT_EQ(got[3].device_id, "P-3");
}

TEST_F(ReadingSourceTest, Filters) {
  struct Row {
    const char* what;
    ReadingFilter filter;
    std::vector<std::string> devices;  // of the messages, in order
    std::size_t readings;              // in all
  } rows[] = {
      {"device", {{"P-1"}, {}, {}, {}}, {"P-1", "P-1"}, 4},
      {"devices", {{"P-3", "P-2"}, {}, {}, {}}, {"P-2", "P-3"}, 2},
      {"metric", {{}, {"temp"}, {}, {}}, {"P-1", "P-2", "P-1", "P-3"}, 4},
      {"since is inclusive", {{}, {}, kT0 + 1000000, {}}, {"P-1", "P-3"}, 3},
      {"until is exclusive", {{}, {}, {}, kT0 + 1000000}, {"P-1", "P-2"}, 3},
      {"all together", {{"P-1"}, {"flow"}, kT0, kT0 + 2000000}, {"P-1"}, 1},
      {"nothing matches", {{"nobody"}, {}, {}, {}}, {}, 0},
  };
  for (auto& row : rows) {
    SCOPED_TRACE(row.what);
    std::vector<std::string> devices;
    std::size_t readings = 0;
    for (const auto& m : read_all(row.filter)) {
      devices.push_back(m.device_id);
      readings += m.reading_count;
    }
    EXPECT_EQ(devices, row.devices);
    EXPECT_EQ(readings, row.readings);
  }
}

TEST_F(ReadingSourceTest, RefusedBeforeReading) {
  struct Row {
    std::string url;
    ReadingFilter filter;
    ErrorKind kind;
    const char* reason;
  } rows[] = {
      {"mysql://x/y", {}, ErrorKind::usage, "bad_url"},
      {"telemetry.db", {}, ErrorKind::usage, "bad_url"},
      {"sqlite:/nonexistent/dir/t.db", {}, ErrorKind::io, "db_open"},
  };
  for (auto& row : rows) {
    SCOPED_TRACE(row.url);
    auto source = ReadingSource::open(row.url, row.filter);
    ASSERT_FALSE(source);
    EXPECT_EQ(source.error().kind, row.kind);
    EXPECT_EQ(source.error().reason, row.reason);
  }
  ReadingFilter bad_table;
  bad_table.table = "readings; DROP TABLE readings";
  auto source = ReadingSource::open("sqlite:" + path_, bad_table);
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().kind, ErrorKind::usage);
  ReadingFilter bad_schema;
  bad_schema.schema = "a\"b";
  EXPECT_FALSE(ReadingSource::open("sqlite:" + path_, bad_schema));
}

}  // namespace
}  // namespace iot::store
