// The InfluxDB 2 sink (common/store/influx2_sink.cpp) without a server: its
// URL (org and bucket percent-decoded, no user in it), the write URL it
// builds, the token it requires, and no server = unavailable. The request
// itself is checked by tests/integration/ingest_influxdb2.py.
#include "store/influx2_sink.hpp"

#include <gtest/gtest.h>

#include "support/loopback_port.hpp"

namespace iot::store {
namespace {

TEST(Influx2Url, OrgAndBucketDecoded) {
  auto t = parse_influx2_url("influxdb2://db.local/my%20org/tel");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->host, "db.local");
  EXPECT_EQ(t->port, 8086);
  EXPECT_EQ(t->org, "my org");
  EXPECT_EQ(t->bucket, "tel");
  EXPECT_EQ(t->write_url(), "http://db.local:8086/api/v2/write?org=my%20org&bucket=tel&precision=ns");
  EXPECT_EQ(t->describe(), "influxdb2://db.local:8086/my org/tel");
  auto p = parse_influx2_url("influxdb2://127.0.0.1:9999/o/b%2Fx");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->port, 9999);
  EXPECT_EQ(p->bucket, "b/x");
  EXPECT_EQ(p->write_url(), "http://127.0.0.1:9999/api/v2/write?org=o&bucket=b%2Fx&precision=ns");
}

TEST(Influx2Url, Refused) {
  for (const char* bad : {"influxdb://h/o/b", "influxdb2://h/o", "influxdb2://h//b", "influxdb2://h/o/",
                          "influxdb2://h:0/o/b", "influxdb2://h:x/o/b", "influxdb2:///o/b", "influxdb2://u:p@h/o/b",
                          "influxdb2://h/o/b/c", "influxdb2://h/o/%zz"}) {
    auto t = parse_influx2_url(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().kind, ErrorKind::usage) << bad;
  }
}

TEST(Influx2Sink, NeedsAToken) {
  SinkOptions options;
  auto none = Influx2Sink::open("influxdb2://127.0.0.1/o/b", options);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("--token-file"), std::string::npos);
  options.token = "a\nb";
  EXPECT_FALSE(Influx2Sink::open("influxdb2://127.0.0.1/o/b", options));
}

TEST(Influx2Sink, NoServerIsUnavailable) {
  SinkOptions options;
  options.token = "t";
  auto sink = Influx2Sink::open("influxdb2://127.0.0.1:" + std::to_string(iot::test::unused_loopback_port()) + "/o/b",
                                options);
  ASSERT_TRUE(sink);
  EXPECT_TRUE((*sink)->ensure_schema());
  Batch empty;
  EXPECT_TRUE((*sink)->write(empty)) << "nothing to send: no request";
  Batch b;
  ReadingRow r;
  r.device_id = "d";
  r.metric = "m";
  r.value = 1;
  r.time_ns = 1;
  b.readings.push_back(r);
  auto written = (*sink)->write(b);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().kind, ErrorKind::unavailable);
}

}  // namespace
}  // namespace iot::store
