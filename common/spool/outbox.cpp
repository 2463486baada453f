#include "spool/outbox.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "spool/memory_queue.hpp"

namespace iot::spool {
namespace {

// SQLite says SQLITE_FULL when a write came up short (ENOSPC among them);
// a quota or a failed fsync of a full disk can surface as an I/O error.
bool out_of_space(sqlite3* db) {
  int rc = sqlite3_extended_errcode(db);
  if ((rc & 0xff) == SQLITE_FULL) return true;
  if ((rc & 0xff) != SQLITE_IOERR) return false;
  int e = sqlite3_system_errno(db);
  return e == ENOSPC || e == EDQUOT;
}

// A full disk is reason "disk_full" (the batch is held, see outbox.hpp);
// anything else is an I/O error of the outbox.
Error failure(sqlite3* db, std::string message) {
  if (out_of_space(db)) return make_error(ErrorKind::unavailable, "disk_full", std::move(message));
  return make_error(ErrorKind::io, "outbox", std::move(message));
}

Error db_error(sqlite3* db, std::string_view what) {
  return failure(db, std::string("outbox: ") + std::string(what) + ": " + sqlite3_errmsg(db));
}


const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS outbox(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  priority INTEGER NOT NULL DEFAULT 0,
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,
  qos INTEGER NOT NULL,
  retain INTEGER NOT NULL,
  props TEXT,
  msg_id TEXT,
  created_ns INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_send_order ON outbox(priority DESC, id);
CREATE TABLE IF NOT EXISTS device_seq(device_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
)";

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// INSERT of `rows` entries in one statement (the columns bind_entry binds).
std::string insert_sql(std::size_t rows) {
  std::string sql = "INSERT INTO outbox(id,priority,topic,payload,qos,retain,props,msg_id,created_ns) VALUES";
  for (std::size_t i = 0; i < rows; ++i) sql += i ? ",(?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?)";
  return sql;
}

}  // namespace

// One prepared statement, finalized with its owner; reset after each use.
// Outside the anonymous namespace: Outbox::Statements, a member type of a
// class with linkage, holds it (GCC warns otherwise when the file is
// compiled as part of a unity batch, cmake/IotTargets.cmake).
class OutboxStatement {
 public:
  OutboxStatement() = default;
  OutboxStatement(const OutboxStatement&) = delete;
  OutboxStatement& operator=(const OutboxStatement&) = delete;
  ~OutboxStatement() { sqlite3_finalize(stmt_); }
  Status prepare(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) return db_error(db, "prepare");
    return ok_status();
  }
  sqlite3_stmt* get() { return stmt_; }
  void bind_text(int i, std::string_view s) { sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
  void bind_blob(int i, std::string_view s) { sqlite3_bind_blob(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
  void bind_int(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  std::string column_text(int i) {
    const void* p = sqlite3_column_blob(stmt_, i);
    int n = sqlite3_column_bytes(stmt_, i);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  // Runs a statement that returns no rows, then resets it for the next use;
  // the error names `what` (sqlite3_changes still reads the count after).
  Status run(sqlite3* db, const char* what) {
    int rc = sqlite3_step(stmt_);
    Status st = rc == SQLITE_DONE ? ok_status() : Status(db_error(db, what));
    reset();
    return st;
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

struct Outbox::Statements {
  OutboxStatement insert, insert_many, remove_range, peek, seq_get, seq_put, oldest, count, last_id;
};

Outbox::Outbox(sqlite3* db, OutboxOptions options)
    : db_(db), options_(options), stmts_(std::make_unique<Statements>()), seq_cache_(options.max_devices) {}

Outbox::Outbox(OutboxOptions options)
    : db_(nullptr), options_(options), memory_(std::make_unique<MemoryQueue>()), seq_cache_(options.max_devices) {}

Outbox::~Outbox() {
  if (in_batch_) (void)commit();
  stmts_.reset();
  if (db_) sqlite3_close_v2(db_);
}

Result<std::unique_ptr<Outbox>> Outbox::open(const std::string& path, OutboxOptions options) {
  if (path == ":memory:") return std::unique_ptr<Outbox>(new Outbox(options));
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Outbox> box(new Outbox(db, options));  // owns db even when opening failed
  if (rc != SQLITE_OK) return make_error(ErrorKind::io, "outbox", "cannot open outbox " + path + ": " + sqlite3_errmsg(db));
  sqlite3_busy_timeout(db, 5000);
  if (auto st = box->exec("PRAGMA journal_mode=WAL"); !st) return st.error();
  if (auto st = box->exec(options.sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"); !st)
    return st.error();
  if (auto st = box->exec(kSchema); !st) return st.error();
  auto& s = *box->stmts_;
  const std::string insert_one = insert_sql(1), insert_many = insert_sql(kRowsPerInsert);
  for (auto [stmt, sql] : {
           std::pair{&s.insert, insert_one.c_str()},
           std::pair{&s.insert_many, insert_many.c_str()},
           std::pair{&s.remove_range, "DELETE FROM outbox WHERE id BETWEEN ? AND ?"},
           std::pair{&s.peek, "SELECT id,priority,topic,payload,qos,retain,props,msg_id FROM outbox "
                              "ORDER BY priority DESC, id LIMIT ?"},
           std::pair{&s.seq_get, "SELECT seq FROM device_seq WHERE device_id=?"},
           std::pair{&s.seq_put, "INSERT INTO device_seq(device_id,seq) VALUES(?,?) "
                                 "ON CONFLICT(device_id) DO UPDATE SET seq=excluded.seq"},
           std::pair{&s.oldest, "SELECT id FROM outbox ORDER BY priority, id LIMIT 1"},
           std::pair{&s.count, "SELECT count(*) FROM outbox"},
           // The next id: past every id ever given (AUTOINCREMENT's mark) and every row.
           std::pair{&s.last_id, "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name='outbox'),0),"
                                 "coalesce((SELECT max(id) FROM outbox),0))"},
       }) {
    if (auto st = stmt->prepare(db, sql); !st) return st.error();
  }
  if (sqlite3_step(s.count.get()) == SQLITE_ROW) box->pending_ = static_cast<std::uint64_t>(sqlite3_column_int64(s.count.get(), 0));
  s.count.reset();
  if (sqlite3_step(s.last_id.get()) == SQLITE_ROW) box->next_id_ = sqlite3_column_int64(s.last_id.get(), 0) + 1;
  s.last_id.reset();
  return box;
}

Status Outbox::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return failure(db_, std::string("outbox: ") + msg);
  }
  return ok_status();
}

// While held there is no transaction: the batch lives in memory only.
Status Outbox::begin_if_needed() {
  in_batch_ = true;
  if (held_ || !sqlite3_get_autocommit(db_)) return ok_status();
  return absorb(exec("BEGIN IMMEDIATE"));
}

Status Outbox::absorb(Status st) {
  if (st || st.error().reason != "disk_full") return st;
  return rollback_and_hold();
}

// SQLite may have rolled the transaction back itself (it does for some
// SQLITE_FULL cases); else it is rolled back here, whole, so that nothing
// of the batch is half in the file.
Status Outbox::rollback_and_hold() {
  if (!sqlite3_get_autocommit(db_))
    if (auto st = exec("ROLLBACK"); !st) return st;
  held_ = true;
  in_batch_ = true;
  batch_written_ = 0;  // the rollback took them out of the file
  return ok_status();
}

Status Outbox::commit() {
  if (!in_batch_) return ok_status();
  if (held_) {
    if (auto st = replay(); !st) return st;
  }
  if (auto st = absorb(write_unwritten()); !st) return st;
  if (auto st = absorb(delete_removed()); !st) return st;
  if (!held_)
    if (auto st = absorb(exec("COMMIT")); !st) return st;
  if (held_) return make_error(ErrorKind::unavailable, "disk_full", "outbox: database or disk is full");
  in_batch_ = false;
  added_in_batch_ = false;
  batch_added_.clear();
  batch_written_ = 0;
  batch_seqs_.clear();
  batch_deleted_.clear();
  return ok_status();
}

// The held batch, written again in the order it was first written: its
// entries with the ids they were given, the seqs, the rows it deleted.
Status Outbox::replay() {
  // The WAL may be what fills the disk: copy what it holds into the file
  // (without waiting for readers) so that the next transaction can write
  // the WAL again from its start. A failure here only means no room yet.
  (void)sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  held_ = false;
  Status st = exec("BEGIN IMMEDIATE");
  batch_written_ = 0;
  if (st) st = write_unwritten();
  for (std::size_t i = 0; st && i < batch_seqs_.size(); ++i) st = put_seq(batch_seqs_[i].first, batch_seqs_[i].second);
  std::size_t deleted = 0;
  if (st) st = delete_ranges(batch_deleted_, deleted);
  return absorb(std::move(st));
}

bool Outbox::removed_uncommitted(std::int64_t id) const {
  return std::binary_search(removed_.begin(), removed_.end(), id) ||
         std::binary_search(batch_deleted_.begin(), batch_deleted_.end(), id);
}

Status Outbox::drop_oldest() {
  if (memory_) {
    if (auto id = memory_->oldest_of_lowest_priority()) {
      if (auto st = remove(*id); !st) return st;
      ++dropped_;
    }
    return ok_status();
  }
  // While held the cap may be passed by the rest of the read that met the
  // full disk (the publisher reads no more until the batch is committed).
  if (held_) return ok_status();
  if (auto st = absorb(write_unwritten()); !st) return st;  // the oldest may be in the batch
  if (auto st = absorb(delete_removed()); !st) return st;  // the oldest row must still be pending
  if (held_) return ok_status();
  auto& q = stmts_->oldest;
  std::int64_t id = -1;
  if (sqlite3_step(q.get()) == SQLITE_ROW) id = sqlite3_column_int64(q.get(), 0);
  q.reset();
  if (id < 0) return ok_status();
  if (auto st = remove(id); !st) return st;
  ++dropped_;
  return ok_status();
}

// Room for one more: under the refuse policy a full outbox is an error
// (reason "outbox_full"), else the oldest normal entry goes.
Status Outbox::make_room() {
  if (!full()) return ok_status();
  if (options_.full == OutboxFullPolicy::refuse)
    return make_error(ErrorKind::unavailable, "outbox_full", "outbox full");
  return drop_oldest();
}

Result<std::int64_t> Outbox::add(OutboxEntry& e) {
  if (auto st = make_room(); !st) return st.error();
  if (memory_) {
    e.id = memory_->add(e);
    ++pending_;
    return e.id;
  }
  auto id = insert(e);
  if (id) remember(e);
  return id;
}

void Outbox::remember(OutboxEntry e) {
  // Another priority would change the send order of what is held: start
  // again from this entry (peek reads the file until the older ones are out).
  if (!tail_.empty() && (tail_.back().priority != e.priority || tail_.size() >= kTailMax)) tail_.clear();
  tail_.push_back(std::move(e));
}

void Outbox::forget(std::int64_t id) {
  if (tail_.empty() || id < tail_.front().id || id > tail_.back().id) return;
  if (id == tail_.front().id) return tail_.pop_front();
  auto it = std::lower_bound(tail_.begin(), tail_.end(), id,
                             [](const OutboxEntry& e, std::int64_t v) { return e.id < v; });
  if (it != tail_.end() && it->id == id) tail_.erase(it);
}

// The tail answers when every pending entry is either in flight (skip) or
// held in it: then the file would return the same entries in the same order.
// The entries handed out go in order, so the ones in flight are the tail's
// front, dropped here.
bool Outbox::peek_tail(std::size_t n, const std::unordered_set<std::int64_t>& skip, std::vector<OutboxEntry>& out) {
  while (!tail_.empty() && skip.count(tail_.front().id)) tail_.pop_front();
  if (pending_ != skip.size() + tail_.size()) return false;
  std::size_t take = std::min(n, tail_.size());
  for (std::size_t i = 0; i < take; ++i)
    if (skip.count(tail_[i].id)) return false;  // not in send order after all: read the file
  out.assign(tail_.begin(), tail_.begin() + static_cast<std::ptrdiff_t>(take));
  return true;
}

Result<std::int64_t> Outbox::add(OutboxEntry&& e) {
  if (auto st = make_room(); !st) return st.error();
  if (!memory_) {
    auto id = insert(e);
    if (id) remember(std::move(e));  // SQLite copied the bytes; the tail takes them
    return id;
  }
  ++pending_;
  return memory_->add(std::move(e));
}

// The entry is counted as added even when the disk is full: it is held
// with the batch and written by a later commit().
Result<std::int64_t> Outbox::insert(OutboxEntry& e) {
  if (auto st = begin_if_needed(); !st) return st.error();
  e.id = next_id_++;
  batch_added_.push_back(e);  // what a rollback would have to write again
  added_in_batch_ = true;
  ++pending_;
  return e.id;
}

namespace {

// Binds an entry as the row of a statement whose parameters start at `at`
// (0 for the first row); the bytes are copied, the entry need not outlive it.
void bind_entry(OutboxStatement& q, int at, const OutboxEntry& e, std::int64_t created_ns) {
  q.bind_int(at + 1, e.id);
  q.bind_int(at + 2, e.priority);
  q.bind_text(at + 3, e.topic);
  q.bind_blob(at + 4, e.payload);
  q.bind_int(at + 5, e.qos);
  q.bind_int(at + 6, e.retain ? 1 : 0);
  if (!e.props_json.empty()) q.bind_text(at + 7, e.props_json);
  if (!e.msg_id.empty()) q.bind_text(at + 8, e.msg_id);
  q.bind_int(at + 9, created_ns);
}

}  // namespace

Status Outbox::write_entry(const OutboxEntry& e) {
  bind_entry(stmts_->insert, 0, e, now_ns());
  return stmts_->insert.run(db_, "insert");
}

Status Outbox::write_unwritten() {
  if (held_ || memory_) return ok_status();
  const std::int64_t created = now_ns();
  while (batch_written_ < batch_added_.size()) {
    const std::size_t left = batch_added_.size() - batch_written_;
    if (left < kRowsPerInsert) {
      if (auto st = write_entry(batch_added_[batch_written_]); !st) return st;
      ++batch_written_;
      continue;
    }
    auto& q = stmts_->insert_many;
    for (std::size_t k = 0; k < kRowsPerInsert; ++k)
      bind_entry(q, static_cast<int>(k) * 9, batch_added_[batch_written_ + k], created);
    if (auto st = q.run(db_, "insert"); !st) return st;
    batch_written_ += kRowsPerInsert;
  }
  return ok_status();
}

Result<std::vector<OutboxEntry>> Outbox::peek(std::size_t n, const std::unordered_set<std::int64_t>& skip) {
  std::vector<OutboxEntry> out;
  if (memory_) {
    memory_->peek(n, skip, out);
    return out;
  }
  if (peek_tail(n, skip, out)) return out;
  out.clear();
  if (auto st = absorb(write_unwritten()); !st) return st.error();
  if (auto st = absorb(delete_removed()); !st) return st.error();
  // Held: the file still has the rows this batch removed (not to be sent
  // again) and lacks the ones it added (not sendable before their commit).
  std::size_t hidden = held_ ? removed_.size() + batch_deleted_.size() : 0;
  auto& q = stmts_->peek;
  q.bind_int(1, static_cast<std::int64_t>(n + skip.size() + hidden));
  int rc;
  while (out.size() < n && (rc = sqlite3_step(q.get())) == SQLITE_ROW) {
    std::int64_t id = sqlite3_column_int64(q.get(), 0);
    if (skip.count(id) || (hidden && removed_uncommitted(id))) continue;
    OutboxEntry e;
    e.id = id;
    e.priority = sqlite3_column_int(q.get(), 1);
    e.topic = q.column_text(2);
    e.payload = q.column_text(3);
    e.qos = sqlite3_column_int(q.get(), 4);
    e.retain = sqlite3_column_int(q.get(), 5) != 0;
    e.props_json = q.column_text(6);
    e.msg_id = q.column_text(7);
    out.push_back(std::move(e));
  }
  q.reset();
  return out;
}

Status Outbox::remove(std::int64_t id) {
  if (memory_) {
    if (memory_->remove(id) && pending_ > 0) --pending_;
    return ok_status();
  }
  if (auto st = begin_if_needed(); !st) return st;
  // Kept sorted: acknowledgements come mostly in order, so this appends.
  auto at = std::lower_bound(removed_.begin(), removed_.end(), id);
  if (at != removed_.end() && *at == id) return ok_status();  // removed twice: counted once
  removed_.insert(at, id);
  if (pending_ > 0) --pending_;
  forget(id);
  return ok_status();
}

// One DELETE per run of consecutive ids: a window of acknowledgements is
// usually one run, where a statement per row cost as much as the insert.
// pending_ was counted down by remove(); a row that was not there (removed
// again after an earlier delete) is given back here.
// While held the rows stay: the next commit() deletes them.
Status Outbox::delete_removed() {
  if (removed_.empty() || held_) return ok_status();
  std::size_t deleted = 0;
  if (auto st = delete_ranges(removed_, deleted); !st) return st;
  pending_ += removed_.size() - deleted;
  // Kept with the batch until it is committed (a rollback undoes the delete).
  std::size_t mid = batch_deleted_.size();
  batch_deleted_.insert(batch_deleted_.end(), removed_.begin(), removed_.end());
  std::inplace_merge(batch_deleted_.begin(), batch_deleted_.begin() + static_cast<std::ptrdiff_t>(mid),
                     batch_deleted_.end());
  removed_.clear();
  return ok_status();
}

Status Outbox::delete_ranges(const std::vector<std::int64_t>& ids, std::size_t& deleted) {
  auto& q = stmts_->remove_range;
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i + 1;
    while (j < ids.size() && ids[j] == ids[j - 1] + 1) ++j;
    q.bind_int(1, ids[i]);
    q.bind_int(2, ids[j - 1]);
    if (auto st = q.run(db_, "delete"); !st) return st;
    deleted += static_cast<std::size_t>(sqlite3_changes(db_));
    i = j;
  }
  return ok_status();
}

Result<std::int64_t> Outbox::next_seq(std::string_view device_id) {
  bool created = false;
  std::int64_t& last = seq_cache_.touch(device_id, created);  // a new device: 0
  if (memory_) return ++last;
  if (created) {  // new here, or forgotten past the cap: the file knows its last seq
    auto& g = stmts_->seq_get;
    g.bind_text(1, device_id);
    if (sqlite3_step(g.get()) == SQLITE_ROW) last = sqlite3_column_int64(g.get(), 0);
    g.reset();
    if (held_)  // the file lacks the held batch's seqs
      for (auto it = batch_seqs_.rbegin(); it != batch_seqs_.rend(); ++it)
        if (it->first == device_id) {
          last = it->second;
          break;
        }
  }
  if (auto st = begin_if_needed(); !st) return st.error();
  std::int64_t seq = last + 1;
  last = seq;
  batch_seqs_.emplace_back(std::string(device_id), seq);
  if (!held_)
    if (auto st = absorb(put_seq(device_id, seq)); !st) return st.error();
  return seq;
}

Status Outbox::put_seq(std::string_view device_id, std::int64_t seq) {
  auto& p = stmts_->seq_put;
  p.bind_text(1, device_id);
  p.bind_int(2, seq);
  return p.run(db_, "seq");
}

}  // namespace iot::spool
