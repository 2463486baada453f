#include "store/tag_set_ids.hpp"

#include <gtest/gtest.h>

namespace iot::store {
namespace {

TEST(TagSetIds, AnIdLearntIsFoundByTextInTheTransactionAndAfterItsCommit) {
  TagSetIds ids;
  const SharedText a(R"({"site":"a"})");
  EXPECT_FALSE(ids.find(a));
  ids.learn(a.view(), 7);
  EXPECT_EQ(ids.find(a), 7);
  EXPECT_EQ(ids.find(SharedText(R"({"site":"a"})")), 7);  // another text, the same bytes
  ids.commit();
  EXPECT_EQ(ids.find(a), 7);
  EXPECT_EQ(ids.size(), 1u);
}

// What a rolled back transaction stored is gone from the database: its ids
// must be forgotten, the last one found (answered without hashing) too.
TEST(TagSetIds, ARollbackForgetsWhatTheTransactionLearntAndNothingElse) {
  TagSetIds ids;
  const SharedText kept(R"({"site":"kept"})"), lost(R"({"site":"lost"})");
  ids.learn(kept.view(), 1);
  ids.commit();
  ids.learn(lost.view(), 2);
  EXPECT_EQ(ids.find(lost), 2);
  ids.rollback();
  EXPECT_FALSE(ids.find(lost));
  EXPECT_EQ(ids.find(kept), 1);
  ids.rollback();  // the last found was committed: still known
  EXPECT_EQ(ids.find(kept), 1);
}

// Found by address (the same text object again), an id learnt in a rolled
// back transaction is forgotten too, however many texts came between.
TEST(TagSetIds, TextsFoundByAddressAreForgottenWithTheirRollback) {
  TagSetIds ids;
  std::vector<SharedText> texts;
  for (int i = 0; i < 5000; ++i) texts.emplace_back("{\"n\":" + std::to_string(i) + "}");
  ids.learn(texts[0].view(), 1);
  ids.commit();
  for (int i = 1; i < 5000; ++i) ids.learn(texts[i].view(), i + 1);
  for (int round = 0; round < 2; ++round)  // the second round is answered by address
    for (int i = 0; i < 5000; ++i) ASSERT_EQ(ids.find(texts[i]), i + 1);
  ids.rollback();
  EXPECT_EQ(ids.find(texts[0]), 1);
  for (int i = 1; i < 5000; ++i) ASSERT_FALSE(ids.find(texts[i])) << i;
}

TEST(TagSetIds, PastItsCapacityTheCommittedAreForgottenNotTheNew) {
  TagSetIds ids(2);
  ids.learn("a", 1);
  ids.learn("b", 2);
  ids.commit();
  ids.learn("c", 3);
  ids.commit();  // 3 > 2: a and b forgotten, c kept
  EXPECT_FALSE(ids.find(SharedText("a")));
  EXPECT_FALSE(ids.find(SharedText("b")));
  EXPECT_EQ(ids.find(SharedText("c")), 3);
  EXPECT_EQ(ids.size(), 1u);
}

}  // namespace
}  // namespace iot::store
