#include "waveform/metadata.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace iot::waveform {
namespace {

TEST(Metadata, OkLineForIngest) {
  Outcome o;
  o.upload_id = "u1";
  o.base = "plant/P-007";
  o.complete = CompleteMessage{"u1", 2, 100, 10000, 10000, "float32_le", std::string(64, 'a'), {}};
  o.compression = "lz4_frame";
  o.received = 2;
  o.time_ns = 1773916800123456789;
  auto j = nlohmann::json::parse(render_metadata(o, "/s/aa/x.lz4", nullptr));
  EXPECT_EQ(j["type"], "waveform");
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["device_id"], "P-007");
  EXPECT_EQ(j["time"], "2026-03-19T10:40:00.123456Z");
  EXPECT_EQ(j["sha256"], std::string(64, 'a'));
  EXPECT_EQ(j["blob"], "/s/aa/x.lz4");
  EXPECT_FALSE(j.contains("missing"));
  EXPECT_FALSE(j.contains("rms"));
}

TEST(Metadata, IncompleteLineListsMissingAndFeaturesWhenGiven) {
  Outcome o;
  o.status = UploadStatus::incomplete;
  o.upload_id = "u2";
  o.base = "D1";
  o.missing = {1, 4};
  o.detail = "timeout";
  Features f;
  f.rms = 1.5;
  f.dominant = {{120, 1}};
  auto j = nlohmann::json::parse(render_metadata(o, "", &f));
  EXPECT_EQ(j["status"], "incomplete");
  EXPECT_EQ(j["missing"], nlohmann::json::array({1, 4}));
  EXPECT_FALSE(j.contains("blob"));
  EXPECT_EQ(j["rms"], 1.5);
  EXPECT_EQ(j["dominant_hz"], nlohmann::json::array({120.0}));
}

TEST(Metadata, DeviceOfBase) {
  EXPECT_EQ(device_of_base("a/b/P-1"), "P-1");
  EXPECT_EQ(device_of_base("P-1"), "P-1");
}

}  // namespace
}  // namespace iot::waveform
