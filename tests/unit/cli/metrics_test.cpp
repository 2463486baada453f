#include "cli/metrics.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace iot::cli {
namespace {

TEST(Metrics, RendersPrometheusText) {
  Metrics m("iot_ingest");
  m.add("rows_written_total", 5, "Rows committed");
  m.add("rows_written_total", 2);
  m.set("spool_batches", 3);
  std::string text = m.render();
  EXPECT_NE(text.find("# HELP iot_ingest_rows_written_total Rows committed\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE iot_ingest_rows_written_total counter\niot_ingest_rows_written_total 7\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE iot_ingest_spool_batches gauge\niot_ingest_spool_batches 3\n"), std::string::npos);
  EXPECT_EQ(m.get("rows_written_total"), 7);
}

TEST(Metrics, ACountAndASumAreOneSummary) {
  Metrics m("iot_ingest");
  m.add("latency_seconds_sum", 1.5, "End-to-end latency");
  m.add("latency_seconds_count", 3);
  m.add("rows_count", 2);  // no rows_sum: a plain counter
  EXPECT_EQ(m.render(),
            "# HELP iot_ingest_latency_seconds End-to-end latency\n"
            "# TYPE iot_ingest_latency_seconds summary\n"
            "iot_ingest_latency_seconds_sum 1.5\niot_ingest_latency_seconds_count 3\n"
            "# TYPE iot_ingest_rows_count counter\niot_ingest_rows_count 2\n");
}

TEST(Metrics, WritesFileAtomically) {
  Metrics m("t");
  m.add("x");
  auto path = (std::filesystem::temp_directory_path() / "iot-metrics-test.prom").string();
  ASSERT_TRUE(m.write_file(path));
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), m.render());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_FALSE(m.write_file("/nonexistent-dir/x.prom"));
}

}  // namespace
}  // namespace iot::cli
