// The outbox's queue when nothing has to outlive the process (iot-pub
// without --outbox, iot-pub(1)): the same send order as the SQLite outbox
// (priority first, then arrival), held in memory. A message is copied once
// on the way in and once when peeked; no SQL runs per message.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <unordered_set>
#include <vector>

#include "spool/outbox.hpp"

namespace iot::spool {

class MemoryQueue {
 public:
  // Stores the entry and returns its id (1, 2, 3, ... in arrival order).
  std::int64_t add(const OutboxEntry& entry);
  std::int64_t add(OutboxEntry&& entry);  // the same, taking the bytes
  // Appends up to n entries in send order whose ids are not in skip.
  void peek(std::size_t n, const std::unordered_set<std::int64_t>& skip, std::vector<OutboxEntry>& out) const;
  // False when no entry has this id (already removed, or never added).
  bool remove(std::int64_t id);
  // The oldest entry of the lowest priority: the one drop-oldest deletes.
  std::optional<std::int64_t> oldest_of_lowest_priority() const;
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    OutboxEntry entry;
    bool removed = false;
  };
  // One level per priority; slots in id order. A removed slot stays until
  // the slots before it are gone too (acknowledgements come nearly in
  // order, so the front is trimmed almost at once).
  using Level = std::deque<Slot>;
  static Slot* find(Level& level, std::int64_t id);

  std::map<int, Level, std::greater<>> levels_;  // highest priority first
  std::int64_t next_id_ = 1;
  std::size_t size_ = 0;
};

}  // namespace iot::spool
