// DuplicateWindow: "have I seen this msg_id recently?" with bounded memory.
//
// Exact over a sliding window of the last `capacity` distinct ids: each id is
// hashed to 128 bits (a false match between two different ids has a
// probability of about n^2 / 2^129, i.e. never in practice), kept in a ring
// buffer in arrival order and indexed by an open-addressing table. When the
// ring is full the oldest id is forgotten. Memory: about 32 bytes per id
// (16 in the ring, 16 in the half-full index), 32 MiB at the default
// 1,000,000 ids (at most 2^30 ids); it grows with use, so a short capture
// costs little.
//
// What "duplicate" means: the same id seen again while the first copy is
// still among the last `capacity` distinct ids. A copy arriving later than
// that is NOT detected (it looks new); no good message is ever rejected as a
// duplicate by mistake.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace iot::checks {

struct IdHash {
  std::uint64_t lo = 0, hi = 0;
  bool operator==(const IdHash&) const = default;
};

// The 128-bit hash the window keys on (exposed for tests and for callers
// that want to hash once and look up many times).
IdHash hash_id(std::string_view id);

class DuplicateWindow {
 public:
  static constexpr std::size_t default_capacity = 1'000'000;
  explicit DuplicateWindow(std::size_t capacity = default_capacity);

  // True when `id` is in the window (a duplicate); otherwise records it and
  // returns false. Empty ids are never duplicates and are not recorded.
  bool seen_or_insert(std::string_view id);
  // True when `id` is in the window; records nothing.
  bool contains(std::string_view id) const;
  // Records `id` (no-op when present).
  void insert(std::string_view id);
  // A hint: starts loading the index slot `id` hashes to, so that a lookup
  // after other work finds it in cache (the index outgrows the CPU caches
  // past ~100,000 ids and a cold probe was 6% of iot-verify's time).
  void prefetch(std::string_view id) const;
  // The same two for an id hashed already (hash_id), by a caller that hashed
  // it on another thread (iot-verify's workers). Never the hash of an empty id.
  bool seen_or_insert(const IdHash& h);
  void prefetch(const IdHash& h) const;

  std::size_t size() const { return count_; }
  std::size_t capacity() const { return capacity_; }

 private:
  // Index slot for hash h, or the empty slot where it would go.
  std::size_t find_slot(const IdHash& h) const;
  static std::uint32_t fingerprint(const IdHash& h);
  static std::uint64_t slot_value(const IdHash& h, std::size_t ring_pos);
  void grow_index();
  void erase_from_index(std::uint32_t ring_pos);
  void insert_hash(const IdHash& h);

  std::size_t capacity_;
  std::vector<IdHash> ring_;           // ids in arrival order (circular once full)
  std::size_t next_ = 0;               // ring position the next id goes to
  std::size_t count_ = 0;
  std::vector<std::uint64_t> index_;   // 0 = empty, else fingerprint << 32 | (ring position + 1)
  std::size_t mask_ = 0;
};

}  // namespace iot::checks
