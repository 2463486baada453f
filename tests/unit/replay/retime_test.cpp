#include "replay/retime.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sign/hmac.hpp"
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

TEST(Retimer, ChangesOnlyTheTimesEveryOtherByteStays) {
  const std::int64_t hour = 3600LL * 1000000000;
  Retimer r(hour, false, 1);
  // Spellings nlohmann would change (1.50, 1E3, big integers, escapes),
  // spaces, key order with payload before topic, unknown fields.
  std::string in =
      R"({"payload": {"v": 1.50, "ts":1710844800123 , "big":123456789012345678901234567890, "e":1E3,)"
      R"( "s":"\u00fc", "meta":{"source_ts":1710844800000}}, "topic":"plant/x", "rx_ts":1710844800000000000, "z":[1.0]})";
  std::string want =
      R"({"payload": {"v": 1.50, "ts":1710848400123 , "big":123456789012345678901234567890, "e":1E3,)"
      R"( "s":"\u00fc", "meta":{"source_ts":1710848400000}}, "topic":"plant/x", "rx_ts":1710848400000000000, "z":[1.0]})";
  EXPECT_EQ(r.apply(in), want);
  // A time that is not an integer is left as it is.
  EXPECT_EQ(r.apply(R"({"ts":1.5e12,"x":1})"), R"({"ts":1.5e12,"x":1})");
  // Duplicate keys and broken JSON do not crash; broken lines come back as they were.
  EXPECT_EQ(r.apply(R"({"ts":1,"ts":2)"), R"({"ts":1,"ts":2)");
  EXPECT_NO_THROW(r.apply(R"({"ts":1710844800123,"ts":1710844800124})"));
}

TEST(Retimer, SignsAgainWithTheKeyAndWarnsWithout) {
  const std::string key = "site-key";
  auto signed_line = sign::sign_payload(R"({"temperature":20.5,"ts":1710844800,"ts_ns":5})", key);
  ASSERT_TRUE(signed_line.ok());
  std::string envelope = R"({"topic":"sensors/lab/t1","payload":)" + *signed_line + "}";

  Retimer with_key(1000000000LL * 60, false, 1, key);
  std::string out = with_key.apply(envelope);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(out);
  EXPECT_EQ(int64_t(doc["payload"]["payload"]["ts"]), 1710844860);
  EXPECT_EQ(int64_t(doc["payload"]["payload"]["ts_ns"]), 5);
  EXPECT_EQ(sign::verify_signed(doc["payload"], key), sign::SignatureStatus::ok) << out;
  EXPECT_FALSE(with_key.signed_touched());
  EXPECT_EQ(with_key.resigned(), 1u);

  Retimer without_key(1000000000LL * 60, false, 1);
  std::string unsigned_out = without_key.apply(envelope);
  simdjson::dom::element doc2 = parser.parse(unsigned_out);
  EXPECT_EQ(sign::verify_signed(doc2["payload"], key), sign::SignatureStatus::bad_signature);
  EXPECT_TRUE(without_key.signed_touched());
}

}  // namespace
}  // namespace iot::replay
