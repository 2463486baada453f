#include "spool/memory_queue.hpp"

#include <algorithm>

namespace iot::spool {

std::int64_t MemoryQueue::add(const OutboxEntry& entry) { return add(OutboxEntry(entry)); }

std::int64_t MemoryQueue::add(OutboxEntry&& entry) {
  entry.id = next_id_++;
  int priority = entry.priority;
  levels_[priority].push_back(Slot{std::move(entry), false});
  ++size_;
  return next_id_ - 1;
}

void MemoryQueue::peek(std::size_t n, const std::unordered_set<std::int64_t>& skip,
                       std::vector<OutboxEntry>& out) const {
  std::size_t taken = 0;
  for (const auto& [priority, level] : levels_) {
    for (const Slot& s : level) {
      if (taken == n) return;
      if (s.removed || skip.count(s.entry.id)) continue;
      out.push_back(s.entry);
      ++taken;
    }
  }
}

MemoryQueue::Slot* MemoryQueue::find(Level& level, std::int64_t id) {
  if (level.empty() || id < level.front().entry.id) return nullptr;
  std::size_t at = static_cast<std::size_t>(id - level.front().entry.id);
  if (at < level.size() && level[at].entry.id == id) return &level[at];  // no gaps before it (the usual case)
  auto it = std::lower_bound(level.begin(), level.end(), id,
                             [](const Slot& s, std::int64_t want) { return s.entry.id < want; });
  return it != level.end() && it->entry.id == id ? &*it : nullptr;
}

bool MemoryQueue::remove(std::int64_t id) {
  for (auto& [priority, level] : levels_) {
    Slot* s = find(level, id);
    if (!s || s->removed) continue;
    s->removed = true;
    s->entry = OutboxEntry{};  // frees the bytes now, not when the front catches up
    s->entry.id = id;          // still sorted for find()
    --size_;
    while (!level.empty() && level.front().removed) level.pop_front();
    return true;
  }
  return false;
}

std::optional<std::int64_t> MemoryQueue::oldest_of_lowest_priority() const {
  for (auto it = levels_.rbegin(); it != levels_.rend(); ++it)
    for (const Slot& s : it->second)
      if (!s.removed) return s.entry.id;
  return std::nullopt;
}

}  // namespace iot::spool
