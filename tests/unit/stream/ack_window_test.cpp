#include "stream/ack_window.hpp"

#include <gtest/gtest.h>

namespace iot::stream {
namespace {

TEST(AckWindow, NothingBeforeTheFirstUnitIsDone) {
  AckWindow w;
  EXPECT_FALSE(w.acknowledged());
  auto t = w.open(10, 1);
  EXPECT_FALSE(w.acknowledged());
  w.complete(t, 0);
  EXPECT_EQ(*w.acknowledged(), 10u);
  EXPECT_EQ(w.open_units(), 0u);
}

TEST(AckWindow, ALaterUnitDoneFirstWaitsForTheEarlierOnes) {
  AckWindow w;
  auto a = w.open(10, 1), b = w.open(20, 1), c = w.open(30, 1);
  w.complete(c, 0);
  w.complete(b, 0);
  EXPECT_FALSE(w.acknowledged()) << "10..30 must wait for the unit up to 10";
  w.complete(a, 0);
  EXPECT_EQ(*w.acknowledged(), 30u);
}

TEST(AckWindow, EveryPartIsNeeded) {
  AckWindow w;  // two --db and a stream copy
  auto a = w.open(5, 3), b = w.open(9, 3);
  w.complete(a, 0);
  w.complete(a, 2);
  w.complete(b, 0);
  w.complete(b, 1);
  w.complete(b, 2);
  EXPECT_FALSE(w.acknowledged()) << "the second sink does not have the first batch yet";
  w.complete(a, 1);
  EXPECT_EQ(*w.acknowledged(), 9u);
}

TEST(AckWindow, RepeatedOrUnknownCompletionsChangeNothing) {
  AckWindow w;
  auto a = w.open(5, 2);
  w.complete(a, 0);
  w.complete(a, 0);
  w.complete(a, 7);
  w.complete(a + 5, 0);
  EXPECT_FALSE(w.acknowledged());
  w.complete(a, 1);
  EXPECT_EQ(*w.acknowledged(), 5u);
  w.complete(a, 1);  // already behind the mark
  EXPECT_EQ(*w.acknowledged(), 5u);
}

TEST(AckWindow, UnitsWithoutWorkOrPositionKeepTheOrder) {
  AckWindow w;
  auto a = w.open(5, 1);
  w.open(8, 0);                  // only rejects and duplicates: nothing to write
  auto c = w.open(std::nullopt, 1);  // lines without jpos
  EXPECT_FALSE(w.acknowledged());
  w.complete(a, 0);
  EXPECT_EQ(*w.acknowledged(), 8u);
  w.complete(c, 0);
  EXPECT_EQ(*w.acknowledged(), 8u);
}

TEST(AckWindow, APositionBelowTheMarkDoesNotMoveItBack) {
  AckWindow w;
  w.complete(w.open(50, 1), 0);
  w.complete(w.open(40, 1), 0);
  EXPECT_EQ(*w.acknowledged(), 50u);
}

}  // namespace
}  // namespace iot::stream
