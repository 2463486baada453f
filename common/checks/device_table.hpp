// DeviceTable: long-lived per-device state with a hard cap (iot-verify(1)
// and iot-ingest(1), --max-devices and "Resource use").
//
// A device id flood (a misconfigured fleet, random ids on every message)
// must not grow a tool past its cap: once max_devices are tracked, a new
// device takes the place of the least recently seen one, whose state is
// forgotten and counted in evicted(). A device that comes back after being
// evicted starts afresh.
//
// Memory per device is the entry (the id as a std::string, 32 bytes, plus
// its length when over 15 bytes; the Value; 12 bytes of links and hash) and
// 4 to 8 bytes of index (32-bit slots, at most half full). No allocation per
// device beyond a long id: entries live in chunks of 4,096 reused in place
// on eviction, so RSS follows the devices actually seen, up to the cap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace iot::checks {

template <class Value>
class DeviceTable {
 public:
  explicit DeviceTable(std::size_t max_devices) : max_(max_devices < 1 ? 1 : max_devices) {
    if (max_ > kMaxDevices) max_ = kMaxDevices;
    while ((std::size_t{1} << index_bits_) <= max_) ++index_bits_;
  }
  DeviceTable(DeviceTable&&) noexcept = default;
  DeviceTable& operator=(DeviceTable&&) noexcept = default;

  // The device's state, added when new (evicting the least recently seen
  // device when the table is full); the device becomes the most recent.
  Value& touch(std::string_view id, bool& created) {
    const std::uint32_t h = hash_of(id);
    if (!slots_.empty()) {
      const std::uint32_t fp = fingerprint(h);
      for (std::size_t s = home(h);; s = (s + 1) & mask_) {
        std::uint32_t slot = slots_[s];
        if (slot == 0) break;
        if ((slot & ~index_mask()) != fp) continue;  // another device: its entry is not read
        std::uint32_t e = (slot & index_mask()) - 1;
        Entry& entry = at(e);
        if (entry.hash == h && entry.id == id) {
          created = false;
          to_front(e);
          return entry.value;
        }
      }
    }
    created = true;
    std::uint32_t index;
    if (size_ < max_) {
      if ((size_ + 1) * 2 > slots_.size()) grow();
      index = static_cast<std::uint32_t>(size_);
      if (index % kChunk == 0) chunks_.push_back(std::make_unique<Entry[]>(kChunk));
      ++size_;
    } else {  // full: the least recently seen device makes room
      index = tail_;
      unlink(index);
      erase_slot(index);
      ++evicted_;
      at(index).value = Value{};
    }
    Entry& entry = at(index);
    entry.id.assign(id);
    entry.hash = h;
    insert_slot(index);
    link_front(index);
    return entry.value;
  }

  // The device's state without making it more recent; null when unknown.
  const Value* find(std::string_view id) const {
    if (slots_.empty()) return nullptr;
    const std::uint32_t h = hash_of(id);
    const std::uint32_t fp = fingerprint(h);
    for (std::size_t s = home(h);; s = (s + 1) & mask_) {
      std::uint32_t slot = slots_[s];
      if (slot == 0) return nullptr;
      if ((slot & ~index_mask()) != fp) continue;
      const Entry& entry = at((slot & index_mask()) - 1);
      if (entry.hash == h && entry.id == id) return &entry.value;
    }
  }

  Value& operator[](std::string_view id) {
    bool created = false;
    return touch(id, created);
  }
  bool contains(std::string_view id) const { return find(id) != nullptr; }
  const Value& at(std::string_view id) const {
    if (const Value* v = find(id)) return *v;
    throw std::out_of_range("DeviceTable::at: unknown device");
  }

  // A hint: starts loading the index slot of `id`, so that touch() after
  // other work finds it in cache (the index outgrows the CPU caches past
  // some 100,000 devices).
  void prefetch(std::string_view id) const {
    if (!slots_.empty() && !id.empty()) __builtin_prefetch(&slots_[home(hash_of(id))]);
  }

  // Every tracked device, most recently seen first: f(id, value).
  template <class F>
  void for_each(F&& f) const {
    for (std::uint32_t i = head_; i != kNone; i = at(i).next) f(std::string_view(at(i).id), at(i).value);
  }

  std::size_t size() const { return size_; }
  std::size_t max_devices() const { return max_; }
  std::uint64_t evicted() const { return evicted_; }  // devices forgotten to stay under the cap

  // The largest cap: entry indexes are 32-bit with room for "none".
  static constexpr std::size_t kMaxDevices = std::size_t{1} << 30;

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  static constexpr std::size_t kChunk = 4096;
  struct Entry {
    std::string id;
    Value value{};
    std::uint32_t prev = kNone, next = kNone;
    std::uint32_t hash = 0;
  };

  static std::uint32_t hash_of(std::string_view id) {
    std::uint64_t h = std::hash<std::string_view>{}(id);
    return static_cast<std::uint32_t>(h ^ (h >> 32));
  }
  // The slot a hash wants: the hash's top bits after a multiplicative mix,
  // so that ids differing only in their last bytes spread out.
  std::size_t home(std::uint32_t h) const {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(h) * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
  }
  // A slot holds the entry index + 1 in its low index_bits_ bits and, above
  // them, bits of the hash: most probes past other devices read no entry.
  std::uint32_t index_mask() const { return (std::uint32_t{1} << index_bits_) - 1; }
  std::uint32_t fingerprint(std::uint32_t h) const {
    return index_bits_ >= 32 ? 0 : static_cast<std::uint32_t>(h << index_bits_);
  }
  Entry& at(std::uint32_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const Entry& at(std::uint32_t i) const { return chunks_[i / kChunk][i % kChunk]; }

  void insert_slot(std::uint32_t index) {
    std::size_t s = home(at(index).hash);
    while (slots_[s] != 0) s = (s + 1) & mask_;
    slots_[s] = fingerprint(at(index).hash) | (index + 1);
  }
  // Linear probing without tombstones: later entries of the probe run that
  // could sit in the freed slot move back into it.
  void erase_slot(std::uint32_t index) {
    std::size_t i = home(at(index).hash);
    while ((slots_[i] & index_mask()) != index + 1) i = (i + 1) & mask_;
    for (std::size_t j = (i + 1) & mask_; slots_[j] != 0; j = (j + 1) & mask_) {
      std::size_t k = home(at((slots_[j] & index_mask()) - 1).hash);
      bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i] = 0;
  }
  void grow() {
    std::size_t n = slots_.empty() ? 64 : slots_.size() * 2;
    slots_.assign(n, 0);
    mask_ = n - 1;
    shift_ = 64;
    for (std::size_t v = n; v > 1; v >>= 1) --shift_;
    for (std::uint32_t i = 0; i < size_; ++i) insert_slot(i);
  }

  void unlink(std::uint32_t i) {
    Entry& e = at(i);
    if (e.prev != kNone) at(e.prev).next = e.next;
    else head_ = e.next;
    if (e.next != kNone) at(e.next).prev = e.prev;
    else tail_ = e.prev;
    e.prev = e.next = kNone;
  }
  void link_front(std::uint32_t i) {
    Entry& e = at(i);
    e.prev = kNone;
    e.next = head_;
    if (head_ != kNone) at(head_).prev = i;
    head_ = i;
    if (tail_ == kNone) tail_ = i;
  }
  void to_front(std::uint32_t i) {
    if (head_ == i) return;
    unlink(i);
    link_front(i);
  }

  std::size_t max_;
  unsigned index_bits_ = 1;  // enough for max_ (entry index + 1)
  std::vector<std::unique_ptr<Entry[]>> chunks_;
  std::size_t size_ = 0;
  std::vector<std::uint32_t> slots_;  // 0: empty, else hash bits | (entry index + 1)
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
  std::uint32_t head_ = kNone, tail_ = kNone;  // most / least recently seen
  std::uint64_t evicted_ = 0;
};

}  // namespace iot::checks
