#include "spool/outbox.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_set>

using iot::spool::Outbox;
using iot::spool::OutboxEntry;

// Outside the anonymous namespace: the OutboxBoth fixture holds one, and a
// fixture's member of internal linkage draws -Wsubobject-linkage when the
// file is compiled in a unity batch.
struct OutboxTestDir {
  std::filesystem::path path;
  OutboxTestDir() {
    char tmpl[] = "/tmp/outbox-test.XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~OutboxTestDir() { std::filesystem::remove_all(path); }
};

namespace {

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
  OutboxTestDir dir;
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

// A batch is written at its commit, 32 rows to an INSERT and the rest one by
// one: every entry lands once, in order, with its bytes, and one removed
// before the commit is not there.
TEST(Outbox, ABatchOfSeveralInsertStatementsIsStoredWholeAndInOrder) {
  OutboxTestDir dir;
  auto file = (dir.path / "o.db").string();
  std::vector<std::string> expected;
  {
    auto box = Outbox::open(file);
    ASSERT_TRUE(box.ok()) << box.error().message;
    for (int i = 0; i < 75; ++i) {
      auto e = outbox_entry("t" + std::to_string(i));
      e.payload = "payload " + std::to_string(i);
      auto id = (*box)->add(e);
      ASSERT_TRUE(id.ok());
      if (i == 40) ASSERT_TRUE((*box)->remove(*id).ok());
      else expected.push_back(e.topic);
    }
    ASSERT_TRUE((*box)->commit().ok());
  }
  auto box = Outbox::open(file);
  ASSERT_TRUE(box.ok());
  EXPECT_EQ((*box)->pending(), 74u);
  auto got = (*box)->peek(100, {});
  ASSERT_TRUE(got.ok());
  std::vector<std::string> topics_got;
  for (const auto& e : *got) {
    topics_got.push_back(e.topic);
    EXPECT_EQ(e.payload, "payload " + e.topic.substr(1));
  }
  EXPECT_EQ(topics_got, expected);
}

TEST(Outbox, UncommittedAdditionsAreLostOnACrash) {
  OutboxTestDir dir;
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
  OutboxTestDir dir;
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
  OutboxTestDir dir;
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

namespace {
// A real filesystem that fills up: a 4 MiB tmpfs of the test's own (root
// only, as in CI), filled to its last byte by a ballast file.
struct SmallDisk {
  OutboxTestDir dir;
  bool mounted = false;
  SmallDisk() {
    mounted = geteuid() == 0 && mount("tmpfs", dir.path.c_str(), "tmpfs", 0, "size=4m") == 0;
  }
  ~SmallDisk() {
    if (mounted) umount2(dir.path.c_str(), MNT_DETACH);
  }
  std::string ballast() const { return (dir.path / "ballast").string(); }
  void fill() const {
    std::FILE* f = std::fopen(ballast().c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::setvbuf(f, nullptr, _IONBF, 0);
    std::string chunk(4096, '\0');
    while (std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size()) {}
    while (std::fwrite(chunk.data(), 1, 1, f) == 1) {}  // the last partial block too
    std::fclose(f);
  }
  void free_up() const { std::filesystem::remove(ballast()); }
};

// What another process finds committed in the file: msg_ids by id, and a device's stored seq.
std::map<std::int64_t, std::string> committed_rows(const std::string& file) {
  std::map<std::int64_t, std::string> rows;
  sqlite3* db = nullptr;
  sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT id, msg_id FROM outbox", -1, &q, nullptr);
  while (q && sqlite3_step(q) == SQLITE_ROW)
    rows[sqlite3_column_int64(q, 0)] = reinterpret_cast<const char*>(sqlite3_column_text(q, 1));
  sqlite3_finalize(q);
  sqlite3_close(db);
  return rows;
}
}  // namespace

// The outbox's disk fills up mid-stream (iot-pub(1), --outbox): the batch
// that does not fit is rolled back whole and held, what was committed
// before is still there to send (minus what was acknowledged), and once
// there is room the same commit() call writes the held batch: every entry
// once, with the id it was given, the seqs with it, the removals too.
TEST(Outbox, AFullDiskHoldsTheBatchUntilThereIsRoomAndCommitsItOnce) {
  SmallDisk disk;
  if (!disk.mounted) GTEST_SKIP() << "needs root to mount a small tmpfs";
  auto file = (disk.dir.path / "o.db").string();
  auto box = Outbox::open(file);
  ASSERT_TRUE(box.ok()) << box.error().message;
  std::set<std::string> expected;
  std::int64_t last_seq = 0;
  int n = 0;
  auto add = [&](Outbox& b) {
    auto seq = b.next_seq("A");
    ASSERT_TRUE(seq.ok()) << seq.error().message;
    EXPECT_EQ(*seq, last_seq + 1);
    last_seq = *seq;
    auto e = outbox_entry("t");
    e.payload.assign(2000, 'x');
    e.msg_id = "m" + std::to_string(++n);
    ASSERT_TRUE(b.add(e).ok());
    expected.insert(e.msg_id);
  };
  for (int i = 0; i < 3; ++i) add(**box);
  ASSERT_TRUE((*box)->commit().ok());
  auto first = (*box)->peek(1, {});
  ASSERT_TRUE(first.ok() && first->size() == 1);
  const std::int64_t acked = (*first)[0].id;

  disk.fill();
  ASSERT_TRUE((*box)->remove(acked).ok());  // an acknowledgement in the batch that will not fit
  expected.erase("m1");
  bool failed = false;
  std::set<std::string> held;  // added since the last commit that went through
  for (int batch = 0; batch < 200 && !failed; ++batch) {  // 4 MiB at most: the disk is full long before
    held.clear();
    for (int i = 0; i < 10; ++i) {
      add(**box);
      held.insert("m" + std::to_string(n));
    }
    auto st = (*box)->commit();
    if (!st) {
      EXPECT_EQ(st.error().reason, "disk_full") << st.error().message;
      failed = true;
    }
  }
  ASSERT_TRUE(failed) << "the disk never filled up";
  EXPECT_TRUE((*box)->held());
  EXPECT_EQ((*box)->pending(), expected.size());
  // Nothing of the held batch is in the file; the queue still gives every
  // pending entry once, and never the acknowledged one.
  for (const auto& [id, msg_id] : committed_rows(file)) EXPECT_EQ(held.count(msg_id), 0u) << msg_id;
  auto pending = (*box)->peek(1000, {});
  ASSERT_TRUE(pending.ok());
  std::set<std::string> queued;
  for (const auto& e : *pending) EXPECT_TRUE(queued.insert(e.msg_id).second) << e.msg_id;
  EXPECT_EQ(queued, expected);
  // Still held: another try fails the same way, and more work joins the batch in memory.
  EXPECT_FALSE((*box)->commit().ok());
  add(**box);
  EXPECT_TRUE((*box)->held());
  // An acknowledgement while held, then an alert (the queue answers from
  // the file then): the acknowledged row, still in the file, is not given again.
  ASSERT_TRUE((*box)->remove(acked + 1).ok());
  expected.erase("m2");
  auto alert = outbox_entry("alert", 1);
  alert.msg_id = "alert";
  ASSERT_TRUE((*box)->add(alert).ok());
  expected.insert("alert");
  auto from_file = (*box)->peek(1000, {});
  ASSERT_TRUE(from_file.ok());
  EXPECT_FALSE(from_file->empty());
  std::set<std::string> given;
  for (const auto& e : *from_file) {
    EXPECT_NE(e.msg_id, "m2");
    EXPECT_TRUE(given.insert(e.msg_id).second) << e.msg_id;
  }

  disk.free_up();
  auto st = (*box)->commit();
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_FALSE((*box)->held());
  ASSERT_TRUE((*box)->commit().ok());
  box->reset();

  auto rows = committed_rows(file);
  std::set<std::string> stored;
  for (const auto& [id, msg_id] : rows) EXPECT_TRUE(stored.insert(msg_id).second) << msg_id << " stored twice";
  EXPECT_EQ(stored, expected);
  EXPECT_EQ(rows.count(acked), 0u);
  auto again = Outbox::open(file);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->pending(), expected.size());
  auto seq = (*again)->next_seq("A");
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, last_seq + 1) << "the held seqs were committed with their entries";
}
