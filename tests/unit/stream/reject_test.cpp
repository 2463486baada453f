#include "stream/reject.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace iot::stream {
namespace {

TEST(RenderReject, DesignFields) {
  auto line = render_reject("bad_json", "not JSON: TAPE_ERROR", "-:12", R"({"a":)");
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["reason"], "bad_json");
  EXPECT_EQ(j["detail"], "not JSON: TAPE_ERROR");
  EXPECT_EQ(j["source"], "-:12");
  EXPECT_EQ(j["line"], R"({"a":)");
  EXPECT_FALSE(j.contains("line_b64"));
  EXPECT_EQ(line.rfind("{\"reason\":", 0), 0u);  // reason first
}

TEST(RenderReject, InvalidUtf8LineKeepsItsBytesInBase64) {
  std::string bad = "{\"a\":\"\xff\xfe\"}";
  auto j = nlohmann::json::parse(render_reject("bad_json", "not UTF-8", "f.ndjson:3", bad));
  EXPECT_EQ(j["line"], "{\"a\":\"\xef\xbf\xbd\xef\xbf\xbd\"}");
  EXPECT_EQ(j["line_b64"], "eyJhIjoi//4ifQ==");  // python3: base64.b64encode(b'{"a":"\xff\xfe"}')
}

TEST(RenderReject, NewlinesAndControlsStayOnOneLine) {
  auto line = render_reject("schema", "a\nb", "t/x", std::string("x\r\0y", 4));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(line)["line"], std::string("x\r\0y", 4));
}

TEST(SourceOf, FileAndStdin) {
  EXPECT_EQ(source_of("-", 7), "-:7");
  EXPECT_EQ(source_of("", 7), "-:7");
  EXPECT_EQ(source_of("rec.ndjson.gz", 1), "rec.ndjson.gz:1");
}

TEST(RejectSink, WritesCountsAndAppends) {
  testing::TempDir dir;
  std::string path = dir.file("rejects.ndjson", "{\"earlier\":1}\n");
  {
    auto sink = RejectSink::open(path);
    ASSERT_TRUE(sink);
    ASSERT_TRUE((*sink)->reject("schema", "qos is not 0, 1 or 2", "-:2", R"({"topic":"t","payload":1,"qos":9})"));
    ASSERT_TRUE((*sink)->reject("too_large", "line over the size limit", "-:3", ""));
    EXPECT_EQ((*sink)->count(), 2u);
    ASSERT_TRUE((*sink)->flush());
  }
  std::ifstream in(path);
  std::string l1, l2, l3, l4;
  std::getline(in, l1);
  std::getline(in, l2);
  std::getline(in, l3);
  EXPECT_FALSE(std::getline(in, l4));
  EXPECT_EQ(l1, "{\"earlier\":1}");
  EXPECT_EQ(nlohmann::json::parse(l2)["reason"], "schema");
  EXPECT_EQ(nlohmann::json::parse(l3)["source"], "-:3");
}

TEST(RejectSink, NotesAreWrittenButNotCounted) {
  testing::TempDir dir;
  std::string path = dir.file("dlq.ndjson", "");
  {
    auto sink = RejectSink::open(path);
    ASSERT_TRUE(sink);
    ::testing::internal::CaptureStderr();
    ASSERT_TRUE((*sink)->note("precision", "stored as the nearest double: 10**30", "in:4", R"({"v":1})"));
    std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ((*sink)->count(), 0u);
    EXPECT_NE(err.find("note on in:4 (precision)"), std::string::npos) << err;
    EXPECT_EQ(err.find("rejected"), std::string::npos) << err;
    ASSERT_TRUE((*sink)->flush());
  }
  std::ifstream in(path);
  std::string l1;
  ASSERT_TRUE(std::getline(in, l1));
  auto record = nlohmann::json::parse(l1);
  EXPECT_EQ(record["reason"], "precision");
  EXPECT_EQ(record["source"], "in:4");
  EXPECT_EQ(record["line"], R"({"v":1})");
}

TEST(RejectSink, WithoutAFileItCountsAndLogs) {
  RejectSink sink;
  ::testing::internal::CaptureStderr();
  ASSERT_TRUE(sink.reject("duplicate", "msg_id seen", "plant/P-7/telemetry", "{}"));
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(sink.count(), 1u);
  EXPECT_NE(err.find("duplicate"), std::string::npos) << err;
  EXPECT_NE(err.find("plant/P-7/telemetry"), std::string::npos) << err;
}

}  // namespace
}  // namespace iot::stream
