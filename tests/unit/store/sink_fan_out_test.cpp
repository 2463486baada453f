// The fan-out over several databases (common/store/sink_fan_out.cpp): every
// lane gets the batch, each lane's result comes back on its own (one away
// and spooling, one refusing, one committing), and the names used in logs
// and for spool folders carry no secret.
#include "store/sink_fan_out.hpp"

#include <gtest/gtest.h>

#include "support/no_wait_breaker.hpp"

#include <unistd.h>

#include <cctype>
#include <filesystem>

namespace iot::store {
namespace {

// Answers every write the same way and counts the batches it committed.
class FixedSink : public Sink {
 public:
  enum Answer { ok, down, rejected };
  explicit FixedSink(Answer a) : answer(a) {}
  Answer answer;
  std::size_t committed_rows = 0;
  Status ensure_schema() override { return ok_status(); }
  Result<WriteStats> write(const Batch& b) override {
    if (answer == down) return make_error(ErrorKind::unavailable, "unavailable", "database away");
    if (answer == rejected) return make_error(ErrorKind::bad_input, "db_rejected", "value out of range");
    committed_rows += b.readings.size();
    return WriteStats{b.readings.size(), 0};
  }
  Status refresh_rollups() override { return ok_status(); }
  Status reconnect() override { return ok_status(); }
  std::string describe() const override { return "fixed"; }
};

using test::no_wait;

SinkLane lane(FixedSink::Answer answer, const std::string& spool_dir = {}) {
  SinkLane l;
  l.name = "fixed";
  l.sink = std::make_unique<FixedSink>(answer);
  if (!spool_dir.empty()) l.spool = std::move(spool::Spool::open(spool_dir).value());
  l.writer = std::make_unique<ResilientWriter>(*l.sink, l.spool.get(), no_wait, std::chrono::milliseconds(0));
  return l;
}

Batch two_readings() {
  Batch b;
  for (const char* device : {"a", "b"}) {
    ReadingRow r;
    r.device_id = device;
    r.metric = "m";
    r.value = 1;
    b.readings.push_back(r);
  }
  return b;
}

TEST(SinkFanOut, EveryLaneAnswersForItself) {
  auto dir = std::filesystem::temp_directory_path() / ("fan_out_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::vector<SinkLane> lanes;
  lanes.push_back(lane(FixedSink::ok));
  lanes.push_back(lane(FixedSink::down, dir.string()));
  lanes.push_back(lane(FixedSink::rejected));
  SinkFanOut fan(std::move(lanes));
  auto results = fan.write(two_readings());
  ASSERT_EQ(results.size(), 3u);
  ASSERT_TRUE(results[0]);
  EXPECT_TRUE(results[0]->committed);
  EXPECT_EQ(results[0]->stats.inserted, 2u);
  EXPECT_EQ(static_cast<FixedSink&>(*fan.lane(0).sink).committed_rows, 2u);
  ASSERT_TRUE(results[1]);
  EXPECT_TRUE(results[1]->spooled);
  EXPECT_EQ(fan.lane(1).spool->size(), 1u);
  ASSERT_FALSE(results[2]);
  EXPECT_EQ(results[2].error().reason, "db_rejected");
  std::filesystem::remove_all(dir);
}

TEST(SinkFanOut, OneLaneIsAPlainWrite) {
  std::vector<SinkLane> lanes;
  lanes.push_back(lane(FixedSink::ok));
  SinkFanOut fan(std::move(lanes));
  auto results = fan.write(two_readings());
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0]);
  EXPECT_EQ(results[0]->stats.inserted, 2u);
}

TEST(PublicSinkName, DropsUserPasswordAndQuery) {
  EXPECT_EQ(public_sink_name("postgresql://bob:s3cret@db.local:5432/tel?sslmode=require&password=x"),
            "postgresql://db.local:5432/tel");
  EXPECT_EQ(public_sink_name("influxdb://u:p@127.0.0.1:8086/tel"), "influxdb://127.0.0.1:8086/tel");
  EXPECT_EQ(public_sink_name("postgresql:dbname=tel password=s3cret host=h"), "postgresql:dbname=tel host=h");
  EXPECT_EQ(public_sink_name("sqlite:a@b.db"), "sqlite:a@b.db");  // no "://": a file name, kept
  EXPECT_EQ(public_sink_name("line-protocol:-"), "line-protocol:-");
}

TEST(SpoolFolderName, PlainCharactersOnlyAndStable) {
  EXPECT_EQ(spool_folder_name("postgresql://bob:pw@127.0.0.1:5432/telemetry"), "postgresql_127.0.0.1_5432_telemetry");
  EXPECT_EQ(spool_folder_name("sqlite:/var/lib/iot/t.db"), "sqlite_var_lib_iot_t.db");
  EXPECT_EQ(spool_folder_name("line-protocol:-"), "line-protocol_-");
  auto long_name = spool_folder_name("sqlite:/" + std::string(200, 'x') + ".db");
  EXPECT_LE(long_name.size(), 80u);
  EXPECT_EQ(long_name, spool_folder_name("sqlite:/" + std::string(200, 'x') + ".db"));
  EXPECT_NE(long_name, spool_folder_name("sqlite:/" + std::string(200, 'x') + ".db2"));
  for (char c : long_name) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
}

}  // namespace
}  // namespace iot::store
