// Shape detection, dispatch, batches and quality codes (common/telemetry/normalize.cpp).
#include "telemetry/normalize.hpp"

#include <gtest/gtest.h>

#include "json_doc.hpp"

namespace iot::telemetry {
namespace {

using test::parse_json;
using test::read_fixture;

Shape detect(const std::string& json) { return detect_shape(parse_json(json).root); }

TEST(DetectShape, SeedPayloads) {
  EXPECT_EQ(detect(read_fixture("seed000_nested.json")), Shape::nested);
  EXPECT_EQ(detect(read_fixture("seed000_flat.json")), Shape::flat);
  EXPECT_EQ(detect(read_fixture("seed003_signed.json")), Shape::signed_envelope);
  EXPECT_EQ(detect(read_fixture("seed002_kpi.json")), Shape::kpi);
  EXPECT_EQ(detect(read_fixture("seed001_batch.json")), Shape::batch);
}

TEST(DetectShape, OtherForms) {
  EXPECT_EQ(detect("[]"), Shape::batch);
  EXPECT_EQ(detect(R"({"humidity": 1, "ts": 1, "ts_ns": 2})"), Shape::signed_envelope);
  EXPECT_EQ(detect(R"({"device_id": "x", "ts": 1})"), Shape::nested);
  EXPECT_EQ(detect(R"({"hello": 1})"), Shape::automatic);
  EXPECT_EQ(detect("42"), Shape::automatic);
  EXPECT_EQ(detect(R"({"readings": 3, "id": "a", "t": 1})"), Shape::flat);
}

TEST(ShapeNames, RoundTrip) {
  for (Shape s : {Shape::automatic, Shape::nested, Shape::flat, Shape::signed_envelope, Shape::kpi, Shape::batch})
    EXPECT_EQ(parse_shape(shape_name(s)), s);
  EXPECT_EQ(parse_shape("signed"), Shape::signed_envelope);
  EXPECT_EQ(parse_shape("automatic"), Shape::automatic);
  EXPECT_FALSE(parse_shape("Nested"));
  EXPECT_FALSE(parse_shape(""));
}

TEST(Quality, CodesAndWords) {
  EXPECT_EQ(*parse_quality(parse_json("192").root), quality::good);
  EXPECT_EQ(*parse_quality(parse_json("0").root), quality::bad);
  EXPECT_EQ(*parse_quality(parse_json("68").root), quality::uncertain);
  EXPECT_EQ(*parse_quality(parse_json("192.0").root), quality::good);
  EXPECT_EQ(*parse_quality(parse_json(R"("good")").root), quality::good);
  EXPECT_EQ(*parse_quality(parse_json(R"("Bad")").root), quality::bad);
  EXPECT_EQ(*parse_quality(parse_json(R"("UNCERTAIN")").root), quality::uncertain);
}

TEST(Quality, AnythingElseIsSchema) {
  for (const char* bad : {"193", "-1", "68.5", R"("fine")", "true", "null", "[]", "{}", R"("")"}) {
    auto q = parse_quality(parse_json(bad).root);
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.error().reason, "schema");
  }
}

TEST(Normalize, AutomaticBatchOfSeed001) {
  auto doc = parse_json(read_fixture("seed001_batch.json"));
  auto messages = normalize(doc.root, {});
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  ASSERT_EQ(messages->size(), 2u);
  const Message& first = (*messages)[0];
  EXPECT_EQ(first.device_id, "9b2c61f0-7a55-4a4b-9a8f-2f0c3e6d5b11");
  ASSERT_EQ(first.readings.size(), 2u);
  EXPECT_EQ(first.readings[0].quality, quality::good);
  EXPECT_EQ(first.readings[1].quality, quality::bad);
  EXPECT_FALSE(first.readings[1].value.has_value());
  EXPECT_EQ((*messages)[1].readings[0].quality, quality::uncertain);
  EXPECT_EQ((*messages)[1].seq, 2);
}

TEST(Normalize, ArrayOfMixedShapes) {
  auto doc = parse_json("[" + read_fixture("seed000_nested.json") + "," + read_fixture("seed002_kpi.json") + "," +
                        read_fixture("seed003_signed.json") + "]");
  NormalizeContext context;
  context.topic = "sensors/lab/th-01";
  auto messages = normalize(doc.root, context);
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  ASSERT_EQ(messages->size(), 3u);
  EXPECT_EQ((*messages)[0].shape, Shape::nested);
  EXPECT_EQ((*messages)[1].shape, Shape::kpi);
  EXPECT_EQ((*messages)[2].shape, Shape::signed_envelope);
}

TEST(Normalize, EmptyBatchGivesNoMessages) {
  auto doc = parse_json("[]");
  auto messages = normalize(doc.root, {});
  ASSERT_TRUE(messages.ok());
  EXPECT_TRUE(messages->empty());
}

TEST(Normalize, BatchErrorsNameTheItem) {
  auto doc = parse_json(R"([{"device_id": "a", "ts": 1, "d": {}}, {"device_id": "b", "ts": 1}])");
  auto messages = normalize(doc.root, {});
  ASSERT_FALSE(messages.ok());
  EXPECT_EQ(messages.error().reason, "schema");
  EXPECT_EQ(messages.error().message, "readings[1].d: missing");
}

TEST(Normalize, BatchInsideBatchIsSchema) {
  auto doc = parse_json(R"([[{"device_id": "a", "ts": 1, "d": {}}]])");
  auto messages = normalize(doc.root, {});
  ASSERT_FALSE(messages.ok());
  EXPECT_NE(messages.error().message.find("batch inside a batch"), std::string::npos);
}

TEST(Normalize, ForcedShapeAppliesToBatchItems) {
  auto doc = parse_json(R"([{"id": "P-1", "t": 1000, "ti": 1.5}])");
  std::map<std::string, std::string> keymap{{"ti", "temp_inlet_c"}};
  NormalizeContext context;
  context.shape = Shape::flat;
  context.keymap = &keymap;
  auto messages = normalize(doc.root, context);
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].readings.at(0).metric, "temp_inlet_c");
}

TEST(Normalize, ForcedBatchRefusesASingleObject) {
  auto doc = parse_json(read_fixture("seed000_nested.json"));
  NormalizeContext context;
  context.shape = Shape::batch;
  EXPECT_FALSE(normalize(doc.root, context).ok());
}

TEST(Normalize, ForcedShapeThatDoesNotFit) {
  auto doc = parse_json(read_fixture("seed000_flat.json"));
  NormalizeContext context;
  context.shape = Shape::nested;
  auto messages = normalize(doc.root, context);
  ASSERT_FALSE(messages.ok());
  EXPECT_EQ(messages.error().message, "device_id: missing");
}

TEST(Normalize, UnknownShapeAndNonObjects) {
  for (const char* bad : {R"({"hello": 1})", "42", R"("text")", "null", "[1]"}) {
    auto doc = parse_json(bad);
    auto messages = normalize(doc.root, {});
    ASSERT_FALSE(messages.ok()) << bad;
    EXPECT_EQ(messages.error().reason, "schema") << bad;
  }
}

}  // namespace
}  // namespace iot::telemetry
