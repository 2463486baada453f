#include "checks/duplicate_window.hpp"

#include <algorithm>
#include <cstring>

namespace iot::checks {
namespace {

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  // 64x64 -> 128 multiply folded (the wyhash "mum" step): fast and well mixed.
  unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

std::uint64_t load(const char* p, std::size_t n) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, n);
  return v;
}

std::uint64_t hash64(std::string_view s, std::uint64_t seed) {
  constexpr std::uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull;
  std::uint64_t h = seed ^ mix(seed ^ k0, s.size() ^ k1);
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) h = mix(h ^ load(s.data() + i, 8), k1 ^ (i * k0));
  if (i < s.size()) h = mix(h ^ load(s.data() + i, s.size() - i), k0 ^ s.size());
  return mix(h ^ k0, h ^ k1 ^ seed);
}

}  // namespace

namespace {
// IdHash::lo alone: all a prefetch needs (its home slot).
std::uint64_t hash_lo(std::string_view id) { return hash64(id, 0x8bb84b93962eacc9ull); }
}  // namespace

IdHash hash_id(std::string_view id) { return IdHash{hash_lo(id), hash64(id, 0x4b33a62ed433d4a3ull)}; }

DuplicateWindow::DuplicateWindow(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {
  if (capacity_ > (std::size_t{1} << 30)) capacity_ = std::size_t{1} << 30;  // home slots come from 32 hash bits
}

// An index slot holds (fingerprint << 32) | (ring position + 1); the
// fingerprint (32 bits of the hash, which also give the home slot) settles
// almost every probe without touching the ring, so a new id costs one cache
// miss, not two.
std::uint32_t DuplicateWindow::fingerprint(const IdHash& h) { return static_cast<std::uint32_t>(h.lo >> 32); }

std::size_t DuplicateWindow::find_slot(const IdHash& h) const {
  const std::uint32_t fp = fingerprint(h);
  std::size_t i = fp & mask_;
  for (;; i = (i + 1) & mask_) {
    std::uint64_t slot = index_[i];
    if (slot == 0) return i;
    if (static_cast<std::uint32_t>(slot >> 32) == fp && ring_[(slot & 0xffffffffu) - 1] == h) return i;
  }
}

std::uint64_t DuplicateWindow::slot_value(const IdHash& h, std::size_t ring_pos) {
  return (static_cast<std::uint64_t>(fingerprint(h)) << 32) | (ring_pos + 1);
}

void DuplicateWindow::grow_index() {
  std::size_t size = std::max<std::size_t>(index_.size() * 2, 64);
  index_.assign(size, 0);
  mask_ = size - 1;
  std::size_t live = std::min(count_, ring_.size());
  for (std::size_t k = 0; k < live; ++k) index_[find_slot(ring_[k])] = slot_value(ring_[k], k);
}

// Backward-shift deletion keeps linear probing correct without tombstones.
void DuplicateWindow::erase_from_index(std::uint32_t ring_pos) {
  std::size_t i = find_slot(ring_[ring_pos]);
  if (index_[i] == 0) return;
  std::size_t j = i;
  for (;;) {
    j = (j + 1) & mask_;
    if (index_[j] == 0) break;
    std::size_t home = static_cast<std::uint32_t>(index_[j] >> 32) & mask_;
    // Move j back to i when its home is not in the cyclic range (i, j].
    bool in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!in_range) {
      index_[i] = index_[j];
      i = j;
    }
  }
  index_[i] = 0;
}

void DuplicateWindow::insert_hash(const IdHash& h) {
  if (count_ == capacity_) {  // forget the oldest id to make room
    erase_from_index(static_cast<std::uint32_t>(next_));
    ring_[next_] = h;
  } else {
    ring_.push_back(h);
    ++count_;
    if (count_ * 2 > index_.size()) {
      grow_index();
      next_ = (next_ + 1) % capacity_;
      return;  // grow_index indexed the new id already
    }
  }
  index_[find_slot(h)] = slot_value(h, next_);
  next_ = (next_ + 1) % capacity_;
}

bool DuplicateWindow::contains(std::string_view id) const {
  if (id.empty() || index_.empty()) return false;
  return index_[find_slot(hash_id(id))] != 0;
}

void DuplicateWindow::insert(std::string_view id) {
  if (id.empty()) return;
  IdHash h = hash_id(id);
  if (!index_.empty() && index_[find_slot(h)] != 0) return;
  insert_hash(h);
}

void DuplicateWindow::prefetch(std::string_view id) const {
  if (id.empty() || index_.empty()) return;
  __builtin_prefetch(&index_[fingerprint(IdHash{hash_lo(id), 0}) & mask_]);
}

bool DuplicateWindow::seen_or_insert(std::string_view id) {
  if (id.empty()) return false;
  return seen_or_insert(hash_id(id));
}

bool DuplicateWindow::seen_or_insert(const IdHash& h) {
  if (!index_.empty() && index_[find_slot(h)] != 0) return true;
  insert_hash(h);
  return false;
}

void DuplicateWindow::prefetch(const IdHash& h) const {
  if (!index_.empty()) __builtin_prefetch(&index_[fingerprint(h) & mask_]);
}

}  // namespace iot::checks
