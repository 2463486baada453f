#include "replay/recording_source.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace iot::replay {
namespace {

class RecordingSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("replay-src-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }
  std::string write(const std::string& name, const std::string& text) {
    auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

std::vector<std::string> lines_of(RecordingSource& src) {
  std::vector<std::string> out;
  RecordedLine rec;
  while (src.next(rec)) out.emplace_back(rec.text);
  return out;
}

TEST_F(RecordingSourceTest, MergesFilesByTime) {
  auto a = write("a.ndjson", "{\"topic\":\"a\",\"payload\":{},\"rx_ts\":1}\n{\"topic\":\"a\",\"payload\":{},\"rx_ts\":5}\n");
  auto b = write("b.ndjson", "{\"topic\":\"b\",\"payload\":{\"ts\":2}}\n{\"topic\":\"b\",\"payload\":{},\"rx_ts\":3000000000}\n");
  auto src = RecordingSource::open({a, b}, false);
  ASSERT_TRUE(src.ok());
  auto lines = lines_of(**src);
  ASSERT_EQ(lines.size(), 4u);
  // a: 1 ns, 5 ns; b: ts 2 (seconds: 2e9 ns), rx_ts 3e9 ns. Each file keeps its own order.
  EXPECT_NE(lines[0].find("\"rx_ts\":1}"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("\"rx_ts\":5}"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("\"ts\":2}"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find("3000000000"), std::string::npos) << lines[3];
}

TEST_F(RecordingSourceTest, InspectsTimesTopicsAndDevices) {
  auto f = write("x.ndjson",
                 "{\"topic\":\"plant/P-1/t\",\"payload\":{\"device_id\":\"P-1\",\"ts\":1710844800123}}\n"
                 "{\"hmac\":\"x\",\"payload\":{\"device_id\":\"P-2\",\"ts\":1710844800,\"ts_ns\":5}}\n"
                 "not json\n");
  auto src = RecordingSource::open({f}, true);
  ASSERT_TRUE(src.ok());
  RecordedLine rec;
  ASSERT_TRUE((*src)->next(rec));
  EXPECT_EQ(rec.info.time_ns.value(), 1710844800123000000LL);
  EXPECT_EQ(rec.info.topic.value(), "plant/P-1/t");
  EXPECT_EQ(rec.info.device.value(), "P-1");
  ASSERT_TRUE((*src)->next(rec));
  EXPECT_EQ(rec.info.time_ns.value(), 1710844800000000005LL);
  EXPECT_EQ(rec.info.device.value(), "P-2");
  ASSERT_TRUE((*src)->next(rec));
  EXPECT_FALSE(rec.info.parsed);
  EXPECT_EQ(rec.text, "not json");
  EXPECT_EQ(rec.number, 3u);
  EXPECT_FALSE((*src)->next(rec));
}

TEST_F(RecordingSourceTest, TruncatedGzipKeepsWhatCameBeforeAndReportsTheError) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "{\"topic\":\"t\",\"payload\":{\"seq\":" + std::to_string(i) + "}}\n";
  auto plain = write("big.ndjson", text);
  ASSERT_EQ(std::system(("gzip -k -f " + plain).c_str()), 0);
  auto gz = plain + ".gz";
  auto size = std::filesystem::file_size(gz);
  std::filesystem::resize_file(gz, size / 2);
  auto src = RecordingSource::open({gz}, false);
  ASSERT_TRUE(src.ok());
  auto lines = lines_of(**src);
  EXPECT_GT(lines.size(), 100u);
  EXPECT_LT(lines.size(), 20000u);
  for (std::size_t i = 0; i < lines.size(); ++i)
    ASSERT_EQ(lines[i], "{\"topic\":\"t\",\"payload\":{\"seq\":" + std::to_string(i) + "}}");
  ASSERT_EQ((*src)->errors().size(), 1u);
  EXPECT_NE((*src)->errors()[0].message.find("after line " + std::to_string(lines.size())), std::string::npos)
      << (*src)->errors()[0].message;
}

TEST_F(RecordingSourceTest, RewindReplaysAndMissingFilesFail) {
  auto f = write("r.ndjson", "{\"a\":1}\n{\"a\":2}\n");
  auto src = RecordingSource::open({f}, false);
  ASSERT_TRUE(src.ok());
  EXPECT_EQ(lines_of(**src).size(), 2u);
  ASSERT_TRUE((*src)->rewind().ok());
  EXPECT_EQ(lines_of(**src).size(), 2u);
  EXPECT_FALSE(RecordingSource::open({(dir_ / "nope.ndjson").string()}, false).ok());
}

}  // namespace
}  // namespace iot::replay
