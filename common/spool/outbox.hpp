// iot-pub's outbox (iot-pub(1), --outbox and DELIVERY GUARANTEES): a durable store-and-forward
// queue in SQLite (WAL mode). A message is committed here before it is handed
// to the broker and removed when the broker acknowledges it, so what was not
// acknowledged survives a crash and goes out first on the next run, in order.
//
// Group commit: add() and remove() run inside one open batch transaction that
// commit() ends (one fsync per batch, not per message). The caller commits
// before it hands a message to the broker.
// Send order: alerts (priority > 0) first, then by arrival (id).
// The newest entries are also kept in memory as they were added (the tail):
// while every pending entry is either in flight or in the tail, which is the
// steady state of a publisher keeping up, peek() answers from memory instead
// of reading the rows back from the file.
// Also keeps each device's last stamped `seq`, so it survives restarts;
// in memory, the seqs of at most max_devices devices (the least recently
// stamped is forgotten past the cap, iot-pub(1) --max-devices).
// ":memory:" keeps the same queue in memory without SQLite (MemoryQueue):
// nothing there is durable, so there is nothing to commit.
// Disk full (iot-pub(1), --outbox): a write that fails for want of space
// (SQLITE_FULL, ENOSPC, EDQUOT) rolls the open batch back and the outbox is
// held: the batch's work (entries added with their ids, seqs given, rows
// removed) stays in memory, later add/remove/next_seq calls join it there,
// and each commit() writes it all again in one transaction until one fits.
// Ids are given here, not by SQLite, so an entry keeps its id across the
// retries and a replayed row can never be stored twice.
// Not thread-safe: one thread owns an Outbox.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "checks/device_table.hpp"
#include "core/result.hpp"

struct sqlite3;

namespace iot::spool {

class MemoryQueue;

struct OutboxEntry {
  std::int64_t id = 0;  // assigned by add()
  int priority = 0;     // > 0: sent before normal data (alerts)
  std::string topic;
  std::string payload;  // the exact bytes to publish (already encoded, signed)
  int qos = 1;
  bool retain = false;
  std::string props_json;  // the envelope's "props" object, or empty
  std::string msg_id;      // for logs and tests; may be empty
};

enum class OutboxFullPolicy {
  refuse,       // add() fails with reason "outbox_full": the caller stops reading input
  drop_oldest,  // the oldest normal-priority entry is deleted (counted in dropped())
};

struct OutboxOptions {
  std::uint64_t max_messages = 0;  // 0: no cap
  OutboxFullPolicy full = OutboxFullPolicy::refuse;
  // false: synchronous=NORMAL (survives a crash of the process, not of the
  // machine); true: synchronous=FULL (an fsync per committed batch).
  bool sync_full = true;
  // Devices whose last seq is held in memory. With a file, a device past
  // the cap reads its seq from the file again when it comes back; in
  // memory (":memory:") its numbering starts again at 1.
  std::size_t max_devices = 1'000'000;
};

class Outbox {
 public:
  // path ":memory:" gives the same queue without durability (iot-pub without --outbox).
  static Result<std::unique_ptr<Outbox>> open(const std::string& path, OutboxOptions options = {});
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Stores entry (inside the open batch) and sets entry.id. Fails with reason
  // "outbox_full" (kind unavailable) when full under the refuse policy.
  Result<std::int64_t> add(OutboxEntry& entry);
  // The same, taking the entry's bytes instead of copying them.
  Result<std::int64_t> add(OutboxEntry&& entry);
  bool full() const { return options_.max_messages && pending_ >= options_.max_messages; }
  // Ends the open batch: everything added or removed so far is durable.
  // Fails with reason "disk_full" (kind unavailable) while the file's disk
  // has no room for the batch: nothing of it was committed, all of it is
  // held, and a later commit() tries again.
  Status commit();
  // A write failed for want of space and the batch waits in memory.
  bool held() const { return held_; }
  // Of pending(): the entries held in memory only, not in the file.
  std::uint64_t held_entries() const { return held_ ? batch_added_.size() : 0; }
  bool in_batch() const { return in_batch_; }
  // True when the open batch holds added entries (they must be committed before they are sent).
  bool has_unsent_additions() const { return added_in_batch_; }
  std::uint64_t capacity() const { return options_.max_messages; }
  bool full_policy_refuses() const { return options_.full == OutboxFullPolicy::refuse; }
  // Up to n entries in send order whose ids are not in `skip` (those in flight).
  Result<std::vector<OutboxEntry>> peek(std::size_t n, const std::unordered_set<std::int64_t>& skip);
  // Removes an acknowledged entry (inside the open batch). The file's row
  // goes at the next commit() or peek(), with its neighbours in one
  // statement (acknowledgements come in send order).
  Status remove(std::int64_t id);
  // The next `seq` for a device: last one + 1, starting at 1; stored in the batch.
  Result<std::int64_t> next_seq(std::string_view device_id);

  std::uint64_t pending() const { return pending_; }
  bool durable() const { return memory_ == nullptr; }  // a file, not ":memory:"
  std::uint64_t dropped() const { return dropped_; }
  // Devices whose seq is held (at most max_devices), and devices forgotten
  // to stay under the cap.
  std::size_t seq_devices() const { return seq_cache_.size(); }
  std::uint64_t evicted_devices() const { return seq_cache_.evicted(); }

 private:
  Outbox(sqlite3* db, OutboxOptions options);
  explicit Outbox(OutboxOptions options);  // in memory
  Status exec(const char* sql);
  Status absorb(Status st);   // a disk-full failure: roll back and hold the batch
  Status rollback_and_hold();
  Status replay();            // writes the held batch again, in a new transaction
  bool removed_uncommitted(std::int64_t id) const;
  Status begin_if_needed();
  Status drop_oldest();
  Status make_room();
  Result<std::int64_t> insert(OutboxEntry& entry);  // SQLite
  Status delete_removed();  // the rows remove() took, in runs of consecutive ids
  Status delete_ranges(const std::vector<std::int64_t>& ids, std::size_t& deleted);
  Status put_seq(std::string_view device_id, std::int64_t seq);
  Status write_entry(const OutboxEntry& entry);
  // The open batch's entries not yet in the file, kRowsPerInsert to a statement.
  Status write_unwritten();
  void remember(OutboxEntry entry);
  void forget(std::int64_t id);
  bool peek_tail(std::size_t n, const std::unordered_set<std::int64_t>& skip, std::vector<OutboxEntry>& out);
  struct Statements;

  // The newest pending entries (SQLite only), one priority, in id order, at
  // most kTailMax: a copy of what add() stored.
  static constexpr std::size_t kTailMax = 4096;
  std::deque<OutboxEntry> tail_;
  std::vector<std::int64_t> removed_;  // SQLite: removed, their rows not yet deleted; sorted

  sqlite3* db_;
  OutboxOptions options_;
  std::unique_ptr<Statements> stmts_;
  std::unique_ptr<MemoryQueue> memory_;  // set for ":memory:" (then db_ is null)
  // The open batch, kept until it is committed (see "Disk full" above).
  std::vector<OutboxEntry> batch_added_;
  // How many of batch_added_ the open transaction has written. add() leaves
  // an entry in memory: nothing sends it before its commit (iot-pub(1),
  // --outbox), so it is written then, with the rest of its batch, in
  // multi-row INSERTs; an INSERT per entry cost more than the message's
  // parse and publish together. Whatever reads rows from the file writes
  // them first.
  std::size_t batch_written_ = 0;
  static constexpr std::size_t kRowsPerInsert = 32;
  std::vector<std::pair<std::string, std::int64_t>> batch_seqs_;  // (device, seq) in the order given
  std::vector<std::int64_t> batch_deleted_;  // rows this batch deleted; sorted
  std::int64_t next_id_ = 1;
  bool held_ = false;
  bool in_batch_ = false;
  bool added_in_batch_ = false;
  std::uint64_t pending_ = 0;
  std::uint64_t dropped_ = 0;
  checks::DeviceTable<std::int64_t> seq_cache_;  // device -> last seq given
};

}  // namespace iot::spool
