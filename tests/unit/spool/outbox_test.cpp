#include "spool/outbox.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <unordered_set>

using iot::spool::Outbox;
using iot::spool::OutboxEntry;

namespace {
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/outbox-test.XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

OutboxEntry outbox_entry(std::string topic, int priority = 0) {
  OutboxEntry e;
  e.topic = std::move(topic);
  e.payload = std::string("p\0q", 3);
  e.priority = priority;
  e.props_json = R"({"content_type":"application/json"})";
  return e;
}

std::vector<std::string> topics(Outbox& box, std::size_t n, const std::unordered_set<std::int64_t>& skip = {}) {
  auto got = box.peek(n, skip);
  EXPECT_TRUE(got.ok());
  std::vector<std::string> out;
  for (auto& e : *got) out.push_back(e.topic);
  return out;
}
}  // namespace

TEST(Outbox, KeepsOrderAndBytesAcrossReopen) {
  TempDir dir;
  auto file = (dir.path / "o.db").string();
  {
    auto box = Outbox::open(file);
    ASSERT_TRUE(box.ok()) << box.error().message;
    for (auto t : {"a", "b", "c"}) {
      auto e = outbox_entry(t);
      ASSERT_TRUE((*box)->add(e).ok());
    }
    ASSERT_TRUE((*box)->commit().ok());
  }
  auto box = Outbox::open(file);
  ASSERT_TRUE(box.ok());
  EXPECT_EQ((*box)->pending(), 3u);
  auto got = (*box)->peek(10, {});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].topic, "a");
  EXPECT_EQ((*got)[0].payload, std::string("p\0q", 3));
  EXPECT_EQ((*got)[0].props_json, R"({"content_type":"application/json"})");
}

TEST(Outbox, UncommittedAdditionsAreLostOnACrash) {
  TempDir dir;
  auto file = (dir.path / "o.db").string();
  pid_t pid = fork();
  if (pid == 0) {
    auto box = Outbox::open(file);
    auto a = outbox_entry("kept");
    (void)(*box)->add(a);
    (void)(*box)->commit();
    auto b = outbox_entry("lost");
    (void)(*box)->add(b);
    _exit(0);  // no commit, no destructor: as a SIGKILL would leave it
  }
  int status = 0;
  waitpid(pid, &status, 0);
  auto box = Outbox::open(file);
  ASSERT_TRUE(box.ok());
  EXPECT_EQ(topics(**box, 10), std::vector<std::string>{"kept"});
}

// The queue's rules hold the same in memory (":memory:", no SQLite) and in a file.
class OutboxBoth : public ::testing::TestWithParam<bool> {
 protected:
  TempDir dir;
  std::string path() const { return GetParam() ? (dir.path / "o.db").string() : std::string(":memory:"); }
};
INSTANTIATE_TEST_SUITE_P(InFileAndInMemory, OutboxBoth, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "file" : "memory"; });

TEST_P(OutboxBoth, AlertsJumpTheQueue) {
  auto box = Outbox::open(path());
  ASSERT_TRUE(box.ok());
  for (auto [t, p] : {std::pair{"n1", 0}, {"n2", 0}, {"alert", 1}, {"n3", 0}}) {
    auto e = outbox_entry(t, p);
    ASSERT_TRUE((*box)->add(e).ok());
  }
  EXPECT_EQ(topics(**box, 10), (std::vector<std::string>{"alert", "n1", "n2", "n3"}));
}

TEST_P(OutboxBoth, PeekSkipsWhatIsInFlightAndRemoveDeletes) {
  auto box = Outbox::open(path());
  ASSERT_TRUE(box.ok());
  std::vector<std::int64_t> ids;
  for (auto t : {"a", "b", "c"}) {
    auto e = outbox_entry(t);
    ids.push_back(*(*box)->add(e));
  }
  EXPECT_EQ(topics(**box, 1, {ids[0]}), std::vector<std::string>{"b"});
  ASSERT_TRUE((*box)->remove(ids[1]).ok());
  EXPECT_EQ((*box)->pending(), 2u);
  EXPECT_EQ(topics(**box, 10), (std::vector<std::string>{"a", "c"}));
}

// A publisher's use: peek a window skipping what is in flight, acknowledge
// out of order, add while sending, an alert in the middle. The order sent
// is the send order whether peek answers from the entries it holds or from
// the file, and removals (deleted in runs at commit) leave exactly the
// unacknowledged rows behind.
TEST_P(OutboxBoth, PublisherLoopKeepsSendOrderAndRemovesExactly) {
  auto box = Outbox::open(path());
  ASSERT_TRUE(box.ok());
  std::map<std::int64_t, std::string> topic_of;
  auto add = [&](const std::string& t, int priority = 0) {
    auto e = outbox_entry(t, priority);
    auto id = (*box)->add(e);
    ASSERT_TRUE(id.ok());
    topic_of[*id] = t;
  };
  for (int i = 0; i < 8; ++i) add("n" + std::to_string(i));
  std::unordered_set<std::int64_t> inflight;
  std::vector<std::string> sent;
  auto send = [&](std::size_t room) {
    auto got = (*box)->peek(room, inflight);
    ASSERT_TRUE(got.ok());
    for (auto& e : *got) {
      inflight.insert(e.id);
      sent.push_back(e.topic);
    }
  };
  auto ack = [&](const std::string& t) {
    for (auto id : inflight)
      if (topic_of[id] == t) {
        inflight.erase(id);
        ASSERT_TRUE((*box)->remove(id).ok());
        return;
      }
    FAIL() << t << " not in flight";
  };
  send(3);                      // n0 n1 n2
  ack("n1");                    // out of order
  send(2);                      // n3 n4
  add("alert", 1);
  add("n8");
  send(2);                      // alert n5
  ack("n0");
  ack("n2");
  ack("alert");
  ASSERT_TRUE((*box)->commit().ok());
  send(10);                     // n6 n7 n8
  EXPECT_EQ(sent, (std::vector<std::string>{"n0", "n1", "n2", "n3", "n4", "alert", "n5", "n6", "n7", "n8"}));
  ack("n3");
  ack("n7");
  ASSERT_TRUE((*box)->commit().ok());
  EXPECT_EQ((*box)->pending(), 4u);
  EXPECT_EQ(topics(**box, 10), (std::vector<std::string>{"n4", "n5", "n6", "n8"}));  // nothing in flight now
  if (!GetParam()) return;
  box = Outbox::open(path());  // what the file kept
  ASSERT_TRUE(box.ok());
  EXPECT_EQ((*box)->pending(), 4u);
  EXPECT_EQ(topics(**box, 10), (std::vector<std::string>{"n4", "n5", "n6", "n8"}));
}

TEST_P(OutboxBoth, RefusesWhenFull) {
  iot::spool::OutboxOptions o;
  o.max_messages = 2;
  auto box = Outbox::open(path(), o);
  ASSERT_TRUE(box.ok());
  for (int i = 0; i < 2; ++i) {
    auto e = outbox_entry("x");
    ASSERT_TRUE((*box)->add(e).ok());
  }
  EXPECT_TRUE((*box)->full());
  auto e = outbox_entry("y");
  auto r = (*box)->add(e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "outbox_full");
}

TEST_P(OutboxBoth, DropOldestKeepsAlerts) {
  iot::spool::OutboxOptions o;
  o.max_messages = 2;
  o.full = iot::spool::OutboxFullPolicy::drop_oldest;
  auto box = Outbox::open(path(), o);
  ASSERT_TRUE(box.ok());
  for (auto [t, p] : {std::pair{"alert", 1}, {"old", 0}, {"new", 0}}) {
    auto e = outbox_entry(t, p);
    ASSERT_TRUE((*box)->add(e).ok());
  }
  EXPECT_EQ((*box)->dropped(), 1u);
  EXPECT_EQ(topics(**box, 10), (std::vector<std::string>{"alert", "new"}));
}

TEST(Outbox, SeqSurvivesReopen) {
  TempDir dir;
  auto file = (dir.path / "o.db").string();
  {
    auto box = Outbox::open(file);
    ASSERT_TRUE(box.ok());
    EXPECT_EQ(*(*box)->next_seq("P-1"), 1);
    EXPECT_EQ(*(*box)->next_seq("P-1"), 2);
    EXPECT_EQ(*(*box)->next_seq("P-2"), 1);
    ASSERT_TRUE((*box)->commit().ok());
  }
  auto box = Outbox::open(file);
  ASSERT_TRUE(box.ok());
  EXPECT_EQ(*(*box)->next_seq("P-1"), 3);
  EXPECT_EQ(*(*box)->next_seq("P-2"), 2);
}

TEST_P(OutboxBoth, SeqCountsPerDeviceAndRemovingTwiceCountsOnce) {
  auto box = Outbox::open(path());
  ASSERT_TRUE(box.ok());
  EXPECT_EQ(*(*box)->next_seq("P-1"), 1);
  EXPECT_EQ(*(*box)->next_seq("P-2"), 1);
  EXPECT_EQ(*(*box)->next_seq("P-1"), 2);
  auto a = outbox_entry("a"), b = outbox_entry("b");
  auto ida = (*box)->add(a);
  ASSERT_TRUE(ida.ok());
  ASSERT_TRUE((*box)->add(b).ok());
  EXPECT_EQ(a.id, *ida);
  ASSERT_TRUE((*box)->remove(*ida).ok());
  ASSERT_TRUE((*box)->remove(*ida).ok());
  EXPECT_EQ((*box)->pending(), 1u);
  auto got = (*box)->peek(10, {});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].topic, "b");
  EXPECT_EQ((*got)[0].payload, std::string("p\0q", 3));
  EXPECT_EQ((*got)[0].props_json, R"({"content_type":"application/json"})");
}

TEST(Outbox, UnwritablePathIsAnIoError) {
  auto box = Outbox::open("/nonexistent-dir/o.db");
  ASSERT_FALSE(box.ok());
  EXPECT_EQ(box.error().kind, iot::ErrorKind::io);
}

// The seqs held in memory are capped (iot-pub(1), --max-devices): past the
// cap the device stamped least recently is forgotten and counted. With a
// file it comes back with its seq read from the file; in memory it counts
// from 1 again.
TEST_P(OutboxBoth, SeqTableIsCappedAndCountsEvictions) {
  iot::spool::OutboxOptions options;
  options.max_devices = 2;
  auto box = Outbox::open(path(), options);
  ASSERT_TRUE(box.ok());
  EXPECT_EQ(*(*box)->next_seq("A"), 1);
  EXPECT_EQ(*(*box)->next_seq("B"), 1);
  EXPECT_EQ(*(*box)->next_seq("A"), 2);  // A is now the more recent: B goes first
  EXPECT_EQ(*(*box)->next_seq("C"), 1);
  EXPECT_EQ((*box)->evicted_devices(), 1u);
  EXPECT_EQ(*(*box)->next_seq("A"), 3);  // still held
  EXPECT_EQ((*box)->evicted_devices(), 1u);
  EXPECT_EQ(*(*box)->next_seq("B"), GetParam() ? 2 : 1);  // evicted: from the file, or afresh
  EXPECT_EQ((*box)->evicted_devices(), 2u);
  EXPECT_EQ((*box)->seq_devices(), 2u);
}

TEST(Outbox, SeqTableStaysAtItsCapUnderAFloodOfDeviceIds) {
  iot::spool::OutboxOptions options;
  options.max_devices = 1000;
  auto box = Outbox::open(":memory:", options);
  ASSERT_TRUE(box.ok());
  for (int i = 0; i < 100'000; ++i) ASSERT_EQ(*(*box)->next_seq("flood-" + std::to_string(i)), 1);
  EXPECT_EQ((*box)->seq_devices(), 1000u);
  EXPECT_EQ((*box)->evicted_devices(), 99'000u);
  EXPECT_EQ(*(*box)->next_seq("flood-99999"), 2);  // the most recent are the ones kept
  EXPECT_EQ(*(*box)->next_seq("flood-0"), 1);
}
