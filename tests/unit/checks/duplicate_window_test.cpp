#include "checks/duplicate_window.hpp"

#include <gtest/gtest.h>

#include <string>

namespace iot::checks {
namespace {

TEST(DuplicateWindow, SecondCopyIsDuplicate) {
  DuplicateWindow w(10);
  EXPECT_FALSE(w.seen_or_insert("01HX7K3NBVYD5V2Q3BZ8MNRZWK"));
  EXPECT_TRUE(w.seen_or_insert("01HX7K3NBVYD5V2Q3BZ8MNRZWK"));
  EXPECT_FALSE(w.seen_or_insert("01HX7K3NBVYD5V2Q3BZ8MNRZWM"));
  EXPECT_EQ(w.size(), 2u);
}

TEST(DuplicateWindow, EmptyIdNeverDuplicate) {
  DuplicateWindow w(10);
  EXPECT_FALSE(w.seen_or_insert(""));
  EXPECT_FALSE(w.seen_or_insert(""));
  EXPECT_EQ(w.size(), 0u);
}

TEST(DuplicateWindow, ForgetsOldestBeyondCapacity) {
  DuplicateWindow w(3);
  for (const char* id : {"a", "b", "c"}) EXPECT_FALSE(w.seen_or_insert(id));
  EXPECT_FALSE(w.seen_or_insert("d"));  // evicts "a"
  EXPECT_FALSE(w.contains("a"));
  EXPECT_TRUE(w.contains("b"));
  EXPECT_TRUE(w.contains("c"));
  EXPECT_TRUE(w.contains("d"));
  EXPECT_EQ(w.size(), 3u);
}

TEST(DuplicateWindow, ExactOverLargeWindowWithEvictions) {
  // 200k ids through a 50k window: every id inside the window is found, every
  // evicted one is not (exercises growth, wrap-around and backward-shift deletion).
  constexpr int total = 200'000, cap = 50'000;
  DuplicateWindow w(cap);
  for (int i = 0; i < total; ++i) ASSERT_FALSE(w.seen_or_insert("id-" + std::to_string(i))) << i;
  for (int i = 0; i < total; ++i) {
    bool inside = i >= total - cap;
    ASSERT_EQ(w.contains("id-" + std::to_string(i)), inside) << i;
  }
}

TEST(DuplicateWindow, InsertThenContains) {
  DuplicateWindow w;
  w.insert("x");
  w.insert("x");
  EXPECT_TRUE(w.contains("x"));
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(w.capacity(), DuplicateWindow::default_capacity);
}

// An id hashed by the caller is the same id to the window as its text,
// whichever way it was recorded, through the ring's eviction too.
TEST(DuplicateWindow, AnIdHashedAlreadyIsTheSameIdAsItsText) {
  DuplicateWindow w(4);
  EXPECT_FALSE(w.seen_or_insert(hash_id("a")));
  EXPECT_TRUE(w.seen_or_insert("a"));
  EXPECT_FALSE(w.seen_or_insert("b"));
  EXPECT_TRUE(w.seen_or_insert(hash_id("b")));
  w.prefetch(hash_id("c"));  // a hint only: records nothing
  EXPECT_FALSE(w.contains("c"));
  for (const char* id : {"c", "d", "e"}) EXPECT_FALSE(w.seen_or_insert(hash_id(id)));
  EXPECT_FALSE(w.seen_or_insert(hash_id("a")));  // forgotten: a, b, c, d went before e came
  EXPECT_TRUE(w.contains("e"));
  EXPECT_EQ(w.size(), 4u);
}

TEST(HashId, DiffersForNearIds) {
  EXPECT_FALSE(hash_id("abc") == hash_id("abd"));
  EXPECT_FALSE(hash_id("") == hash_id(std::string(1, '\0')));
  EXPECT_TRUE(hash_id("01HX7K3NBVYD5V2Q3BZ8MNRZWK") == hash_id("01HX7K3NBVYD5V2Q3BZ8MNRZWK"));
}

}  // namespace
}  // namespace iot::checks
