#include "store/pubsub_message.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "codec/base64.hpp"

namespace iot::store {
namespace {

ReadingRow kpi_row() {
  ReadingRow r;
  r.time_ns = 1710844800123456789;
  r.device_id = "sensor-7";
  r.metric = "PI:FLOW.1";
  r.value = 12.5;
  r.quality = 68;
  r.msg_id = "01HX";
  r.seq = 42;
  r.tags_json = R"({"line":"L\"2","site":"DET"})";
  r.ordering_key = "DET";
  return r;
}

nlohmann::json message_of(const ReadingRow& r) {
  std::string out;
  auto st = append_pubsub_message(out, r);
  EXPECT_TRUE(st) << st.error().message;
  return nlohmann::json::parse(out);
}

TEST(PubsubMessage, DataIsTheStoredRowAsJson) {
  auto m = message_of(kpi_row());
  auto data = codec::base64_decode(m["data"].get<std::string>());
  ASSERT_TRUE(data);
  auto d = nlohmann::json::parse(*data);
  EXPECT_EQ(d["time"], "2024-03-19T10:40:00.123456Z");
  EXPECT_EQ(d["device_id"], "sensor-7");
  EXPECT_EQ(d["metric"], "PI:FLOW.1");
  EXPECT_EQ(d["value"], 12.5);
  EXPECT_EQ(d["quality"], 68);
  EXPECT_EQ(d["msg_id"], "01HX");
  EXPECT_EQ(d["seq"], 42);
  EXPECT_EQ(d["tags"]["site"], "DET");
  EXPECT_EQ(d["tags"]["line"], "L\"2");
  EXPECT_TRUE(d["unit"].is_null());
  // the kpi shape's own names, as seed bridges publish them
  EXPECT_EQ(d["site_code"], "DET");
  EXPECT_EQ(d["sensor_id"], "sensor-7");
  EXPECT_EQ(d["pi_tag"], "PI:FLOW.1");
}

TEST(PubsubMessage, AttributesAndOrderingKey) {
  auto m = message_of(kpi_row());
  EXPECT_EQ(m["orderingKey"], "DET");
  nlohmann::json want = {{"device_id", "sensor-7"}, {"metric", "PI:FLOW.1"}, {"msg_id", "01HX"},
                         {"line", "L\"2"},          {"site", "DET"}};
  EXPECT_EQ(m["attributes"], want);
}

TEST(PubsubMessage, NoKeyNoSiteNoNulls) {
  ReadingRow r;
  r.device_id = "d";
  r.metric = "m";
  r.tags_json = R"({"device_id":"not me"})";  // a tag never replaces the reading's own attribute
  auto m = message_of(r);
  EXPECT_FALSE(m.contains("orderingKey"));
  nlohmann::json want = {{"device_id", "d"}, {"metric", "m"}};
  EXPECT_EQ(m["attributes"], want);
  auto d = nlohmann::json::parse(*codec::base64_decode(m["data"].get<std::string>()));
  EXPECT_TRUE(d["value"].is_null());
  EXPECT_TRUE(d["msg_id"].is_null());
  EXPECT_TRUE(d["seq"].is_null());
  EXPECT_FALSE(d.contains("site_code"));
}

TEST(PubsubMessage, RefusesWhatPubSubWouldRefuseNamingTheLimit) {
  ReadingRow r = kpi_row();
  r.tags_json = R"({"note":")" + std::string(pubsub_max_attribute_value + 1, 'x') + R"("})";
  std::string out = "prefix";
  auto st = append_pubsub_message(out, r);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().reason, "db_rejected");
  EXPECT_NE(st.error().message.find("attribute note"), std::string::npos) << st.error().message;
  EXPECT_EQ(out, "prefix");
  r = kpi_row();
  r.ordering_key = std::string(pubsub_max_ordering_key + 1, 'k');
  st = append_pubsub_message(out, r);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("ordering key"), std::string::npos);
  r = kpi_row();
  std::string many = "{";
  for (int i = 0; i < 100; ++i) many += (i ? ",\"t" : "\"t") + std::to_string(i) + "\":\"v\"";
  r.tags_json = many + "}";
  st = append_pubsub_message(out, r);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("attributes"), std::string::npos);
}

}  // namespace
}  // namespace iot::store
