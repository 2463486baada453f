#include "store/line_file_sink.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/line_protocol.hpp"

namespace iot::store {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ReadingRow line_reading(std::string table, std::string metric, double v, std::int64_t t) {
  ReadingRow r;
  r.table = std::move(table);
  r.device_id = "P-1";
  r.metric = std::move(metric);
  r.value = v;
  r.time_ns = t;
  return r;
}

class LineFileSinkTest : public ::testing::Test {
 protected:
  std::string path = (std::filesystem::temp_directory_path() / ("lp_sink_" + std::to_string(getpid()) + ".lp")).string();
  void TearDown() override { std::filesystem::remove(path); }
};

TEST_F(LineFileSinkTest, WritesTheEncoderLinesAndAppends) {
  SinkOptions options;
  options.table = "readings";
  Batch batch;
  batch.readings = {line_reading("", "temp", 1.5, 10), line_reading("lab", "t", 2, 20)};
  std::string want;
  ASSERT_TRUE(append_line(want, batch.readings[0], "readings"));  // an empty table is the sink's default
  ASSERT_TRUE(append_line(want, batch.readings[1], "lab"));
  for (int run = 0; run < 2; ++run) {  // a second run adds, never truncates
    auto sink = LineFileSink::open(path, options);
    ASSERT_TRUE(sink) << sink.error().message;
    ASSERT_TRUE((*sink)->ensure_schema());
    auto stats = (*sink)->write(batch);
    ASSERT_TRUE(stats) << stats.error().message;
    EXPECT_EQ(stats->inserted, 2u);
  }
  EXPECT_EQ(read_all(path), want + want);
}

TEST_F(LineFileSinkTest, ARefusedReadingLeavesNothingOfItsBatch) {
  auto sink = LineFileSink::open(path, SinkOptions{});
  ASSERT_TRUE(sink);
  Batch batch;
  batch.readings = {line_reading("", "ok", 1, 1), line_reading("", "bad\nname", 1, 2)};
  auto stats = (*sink)->write(batch);
  ASSERT_FALSE(stats);
  EXPECT_EQ(stats.error().reason, "db_rejected");
  EXPECT_EQ(read_all(path), "");
}

TEST_F(LineFileSinkTest, AFolderThatIsNotThereIsAnIoError) {
  auto sink = LineFileSink::open("/nonexistent-dir/x.lp", SinkOptions{});
  ASSERT_FALSE(sink);
  EXPECT_EQ(sink.error().kind, ErrorKind::io);
}

}  // namespace
}  // namespace iot::store
