// The resilient writer (common/store/resilient_writer.cpp) over a scripted
// sink and a real spool directory: what is committed, what is spooled, in
// which order the database sees the batches, and which errors pass through.
// The breaker's cool-down is zero, so nothing here waits on a clock.
#include "store/resilient_writer.hpp"

#include <gtest/gtest.h>

#include "support/no_wait_breaker.hpp"

#include <deque>
#include <filesystem>

namespace iot::store {
namespace {

Batch batch(const std::string& device) {
  Batch b;
  ReadingRow r;
  r.device_id = device;
  r.metric = "m";
  r.value = 1;
  b.readings.push_back(r);
  return b;
}

// A sink that answers each write with the next scripted result (ok once the
// script runs out) and records the device of every batch it was offered.
class ScriptedSink : public Sink {
 public:
  enum Answer { ok, down, rejected };
  std::deque<Answer> script;
  std::vector<std::string> offered;    // every write, in order
  std::vector<std::string> committed;  // the writes that succeeded
  int reconnects = 0;

  Status ensure_schema() override { return ok_status(); }
  Result<WriteStats> write(const Batch& b) override {
    Answer a = ok;
    if (!script.empty()) {
      a = script.front();
      script.pop_front();
    }
    offered.push_back(b.readings.at(0).device_id);
    if (a == down) return make_error(ErrorKind::unavailable, "unavailable", "database away");
    if (a == rejected) return make_error(ErrorKind::bad_input, "db_rejected", "value out of range");
    committed.push_back(b.readings.at(0).device_id);
    return WriteStats{b.readings.size(), 0};
  }
  Status refresh_rollups() override { return ok_status(); }
  Status reconnect() override {
    ++reconnects;
    return ok_status();
  }
  std::string describe() const override { return "scripted"; }
};

using test::no_wait;

class ResilientWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("iot-resilient-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    open_spool({});
  }
  void TearDown() override {
    spool_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open_spool(spool::SpoolLimits limits) {
    spool_.reset();
    auto s = spool::Spool::open(dir_.string(), limits);
    ASSERT_TRUE(s) << s.error().message;
    spool_ = std::move(*s);
  }
  std::filesystem::path dir_;
  std::unique_ptr<spool::Spool> spool_;
  ScriptedSink sink_;
};

TEST_F(ResilientWriterTest, AHealthyDatabaseCommitsAndSpoolsNothing) {
  ResilientWriter w(sink_, spool_.get(), no_wait, std::chrono::milliseconds(0));
  auto out = w.write(batch("a"));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->committed);
  EXPECT_FALSE(out->spooled);
  EXPECT_EQ(out->stats.inserted, 1u);
  EXPECT_EQ(out->drained_batches, 0u);
  EXPECT_TRUE(spool_->empty());
  EXPECT_EQ(sink_.committed, std::vector<std::string>{"a"});
}

TEST_F(ResilientWriterTest, WhileTheDatabaseIsAwayBatchesAreSpooledAndLaterSentInOrder) {
  ResilientWriter w(sink_, spool_.get(), no_wait, std::chrono::milliseconds(0));
  std::vector<std::pair<bool, std::string>> changes;
  w.on_state_change = [&](bool open, const std::string& why) { changes.emplace_back(open, why); };

  sink_.script = {ScriptedSink::down};
  auto a = w.write(batch("a"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->spooled);
  EXPECT_FALSE(a->committed);
  EXPECT_TRUE(w.breaker_open());
  EXPECT_EQ(sink_.reconnects, 1);
  EXPECT_EQ(spool_->size(), 1u);

  // Still away: the spooled batch is tried first and fails, so "b" goes
  // behind it without being offered at all.
  sink_.script = {ScriptedSink::down};
  auto b = w.write(batch("b"));
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_TRUE(b->spooled);
  EXPECT_EQ(spool_->size(), 2u);
  EXPECT_EQ(sink_.offered, (std::vector<std::string>{"a", "a"}));

  // Back: the spool drains oldest first, then "c" is committed.
  auto c = w.write(batch("c"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->committed);
  EXPECT_FALSE(c->spooled);
  EXPECT_EQ(c->drained_batches, 2u);
  EXPECT_EQ(c->drained.inserted, 2u);
  EXPECT_EQ(c->stats.inserted, 1u);
  EXPECT_TRUE(spool_->empty());
  EXPECT_FALSE(w.breaker_open());
  EXPECT_EQ(sink_.committed, (std::vector<std::string>{"a", "b", "c"}));

  ASSERT_EQ(changes.size(), 2u);
  EXPECT_TRUE(changes[0].first);
  EXPECT_EQ(changes[0].second, "database away");
  EXPECT_FALSE(changes[1].first);
}

TEST_F(ResilientWriterTest, RefusedDataIsTheCallersNotTheSpools) {
  ResilientWriter w(sink_, spool_.get(), no_wait, std::chrono::milliseconds(0));
  sink_.script = {ScriptedSink::rejected};
  auto out = w.write(batch("bad"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().reason, "db_rejected");
  EXPECT_TRUE(spool_->empty());
  EXPECT_FALSE(w.breaker_open());
  EXPECT_EQ(sink_.reconnects, 0);
}

TEST_F(ResilientWriterTest, ARefusedSpooledBatchStopsTheWriteWithItsError) {
  ResilientWriter w(sink_, spool_.get(), no_wait, std::chrono::milliseconds(0));
  sink_.script = {ScriptedSink::down};
  ASSERT_TRUE(w.write(batch("a")));
  sink_.script = {ScriptedSink::rejected};
  auto out = w.write(batch("b"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().reason, "db_rejected");
  EXPECT_EQ(spool_->size(), 1u);  // "a" stays spooled; "b" was not taken
}

TEST_F(ResilientWriterTest, AFullSpoolRefusesTheBatch) {
  open_spool({1ull << 30, 1});
  ResilientWriter w(sink_, spool_.get(), no_wait, std::chrono::milliseconds(0));
  sink_.script = {ScriptedSink::down, ScriptedSink::down};
  ASSERT_TRUE(w.write(batch("a")));
  auto out = w.write(batch("b"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().reason, "spool_full");
  EXPECT_EQ(spool_->size(), 1u);
}

TEST_F(ResilientWriterTest, DrainSendsTheSpoolAndStopsAtTheDeadline) {
  ResilientWriter w(sink_, spool_.get(), no_wait, std::chrono::milliseconds(0));
  sink_.script = {ScriptedSink::down, ScriptedSink::down};
  ASSERT_TRUE(w.write(batch("a")));
  ASSERT_TRUE(w.write(batch("b")));
  ASSERT_EQ(spool_->size(), 2u);

  // A deadline already past: nothing is tried, nothing lost.
  auto none = w.drain(std::chrono::steady_clock::now());
  ASSERT_TRUE(none);
  EXPECT_EQ(none->drained_batches, 0u);
  EXPECT_EQ(spool_->size(), 2u);

  auto all = w.drain(std::chrono::steady_clock::now() + std::chrono::hours(1));
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->drained_batches, 2u);
  EXPECT_EQ(all->drained.inserted, 2u);
  EXPECT_TRUE(spool_->empty());
  EXPECT_EQ(sink_.committed, (std::vector<std::string>{"a", "b"}));
}

TEST_F(ResilientWriterTest, DrainOnceSendsWhatTheDatabaseTakesWithoutWaiting) {
  ResilientWriter w(sink_, spool_.get(), no_wait, std::chrono::milliseconds(0));
  sink_.script = {ScriptedSink::down, ScriptedSink::down, ScriptedSink::down};
  ASSERT_TRUE(w.write(batch("a")));
  ASSERT_TRUE(w.write(batch("b")));
  ASSERT_TRUE(w.has_spooled());

  // Still away: one try, nothing sent, nothing lost, no error.
  auto away = w.drain_once(std::chrono::steady_clock::now() + std::chrono::hours(1));
  ASSERT_TRUE(away) << away.error().message;
  EXPECT_EQ(away->drained_batches, 0u);
  EXPECT_EQ(spool_->size(), 2u);

  // Back: both go, oldest first.
  auto back = w.drain_once(std::chrono::steady_clock::now() + std::chrono::hours(1));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->drained_batches, 2u);
  EXPECT_FALSE(w.has_spooled());
  EXPECT_EQ(sink_.committed, (std::vector<std::string>{"a", "b"}));
}

TEST_F(ResilientWriterTest, WithoutASpoolAnUnavailableDatabaseIsRetriedThenReported) {
  // give_up_after zero: one attempt, then the error.
  ResilientWriter once(sink_, nullptr, no_wait, std::chrono::milliseconds(0));
  sink_.script = {ScriptedSink::down};
  auto out = once.write(batch("a"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::unavailable);
  EXPECT_EQ(sink_.offered.size(), 1u);

  // A long give_up_after: retried until the database answers.
  ResilientWriter patient(sink_, nullptr, no_wait, std::chrono::hours(1));
  sink_.script = {ScriptedSink::down, ScriptedSink::down};
  auto later = patient.write(batch("b"));
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_TRUE(later->committed);
  EXPECT_FALSE(later->spooled);
  EXPECT_EQ(sink_.offered, (std::vector<std::string>{"a", "b", "b", "b"}));
}

}  // namespace
}  // namespace iot::store
