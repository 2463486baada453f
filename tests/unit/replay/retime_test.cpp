#include "replay/retime.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ulid/ulid.hpp"

namespace iot::replay {
namespace {

using json = nlohmann::json;

TEST(Retimer, ShiftsEveryKindOfTimestamp) {
  const std::int64_t hour = 3600LL * 1000000000;
  Retimer r(hour, false, 1);
  json nested = json::parse(r.apply(
      R"({"topic":"t","rx_ts":1710844800000000000,"payload":{"msg_id":"01HX7K3NBVYD5V2Q3BZ8MNRZWK","ts":1710844800123,"meta":{"source_ts":1710844800000}}})"));
  EXPECT_EQ(nested["rx_ts"], 1710848400000000000LL);
  EXPECT_EQ(nested["payload"]["ts"], 1710848400123LL);
  EXPECT_EQ(nested["payload"]["meta"]["source_ts"], 1710848400000LL);
  EXPECT_EQ(nested["payload"]["msg_id"], "01HX7K3NBVYD5V2Q3BZ8MNRZWK");  // no --new-ids

  json flat = json::parse(r.apply(R"({"v":"2.1","id":"P-1","t":1710844800123})"));
  EXPECT_EQ(flat["t"], 1710848400123LL);
  EXPECT_FALSE(r.signed_touched());
  json sig = json::parse(r.apply(R"({"hmac":"x","payload":{"ts":1710844800,"ts_ns":999999999}})"));
  EXPECT_EQ(sig["payload"]["ts"], 1710848400);
  EXPECT_EQ(sig["payload"]["ts_ns"], 999999999);
  EXPECT_TRUE(r.signed_touched());
  EXPECT_EQ(r.apply("not json"), "not json");
}

TEST(Retimer, NewIdsFollowTheNewTime) {
  Retimer r(1000000000LL * 86400, true, 1);
  json j = json::parse(r.apply(R"({"msg_id":"01HX7K3NBVYD5V2Q3BZ8MNRZWK","ts":1710844800123})"));
  std::string id = j["msg_id"];
  EXPECT_EQ(id.size(), 26u);
  EXPECT_NE(id, "01HX7K3NBVYD5V2Q3BZ8MNRZWK");
  EXPECT_EQ(ulid::parse(id).value().time_ms, 1710844800123ULL + 86400000ULL);  // the new time
}

}  // namespace
}  // namespace iot::replay
