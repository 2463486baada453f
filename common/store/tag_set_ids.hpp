// The ids of the tag sets a sink has stored (iot-ingest(1), Tag sets): with
// --tag-sets, each distinct readings.tags object is stored once, in
// TABLE_tag_sets, and each row holds its id. Looking an id up in the
// database for every row would cost more than storing the text, so the
// sink remembers the ids it has seen.
//
// An id learnt inside a transaction exists only if that transaction
// commits: learn() holds it apart until commit(), and rollback() forgets
// it, so that a batch written again never refers to a row that is gone.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/shared_text.hpp"

namespace iot::store {

class TagSetIds {
 public:
  // At most this many ids are remembered; past it the committed ones are
  // forgotten and looked up again (one query per tag set, as at the start).
  TagSetIds() = default;
  explicit TagSetIds(std::size_t capacity) : capacity_(capacity) {}

  // The id of `tags`, committed or learnt in the open transaction.
  std::optional<std::int64_t> find(const SharedText& tags);
  void learn(std::string_view tags, std::int64_t id);
  void commit();
  void rollback();
  std::size_t size() const { return committed_.size() + pending_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>>;
  std::size_t capacity_ = 200'000;
  Map committed_, pending_;
  // Rows mostly share their texts (iot-ingest(1), Enrichment: one per
  // device and unit variant, for as long as the device table is loaded):
  // a text met before answers by its address, without hashing its bytes.
  // Each is held, so that its address cannot be reused by another text;
  // at most kByAddress of them, forgotten all at once past that.
  struct Held {
    SharedText tags;
    std::int64_t id = 0;
  };
  static constexpr std::size_t kByAddress = 4096;
  std::unordered_map<const char*, Held> by_address_;
  // In front of it, the last texts found, one slot per address bits: most
  // rows are answered here, with one comparison.
  static constexpr std::size_t kSlots = 64;
  std::array<Held, kSlots> slots_;
  static std::size_t slot_of(const char* address) { return (reinterpret_cast<std::uintptr_t>(address) >> 4) % kSlots; }
  std::vector<const char*> pending_addresses_;  // of ids learnt in the open transaction
};

}  // namespace iot::store
